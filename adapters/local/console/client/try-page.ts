import { describeError } from './api.js';
import { fill, h } from './dom.js';
import { ms } from './format.js';
import { loadFunctions } from './functions-page.js';

interface Prediction {
  label: string;
  classId: number;
  probability: number;
}

/** A bar `pct` wide: set through the CSSOM, as the page's CSP refuses inline style attributes. */
function bar(pct: number): HTMLElement {
  const el = h('div', { class: 'bar' });
  el.style.width = `${Math.max(0.5, pct)}%`;
  return el;
}

/** Labels shown. */
const TOP_K = 5;

/** Try it: drop an image on the app's `POST /predict` and see its top-k answer as bars, with latency. */
export async function tryPage(main: HTMLElement): Promise<void> {
  const { functions } = await loadFunctions();
  const predict = functions.find((f) => f.trigger.type === 'http' && f.trigger.path === '/predict' && (f.trigger.method === 'POST' || f.trigger.method === '*'));
  if (!predict) {
    fill(main, h('h1', {}, 'Try it'), h('p', {}, 'This app has no POST /predict function to try.'));
    return;
  }
  const input = h('input', { type: 'file', id: 'try-file', accept: 'image/png,image/jpeg,image/webp' });
  const drop = h('div', { class: 'drop', id: 'drop' }, h('p', {}, 'Drop an image here, or '), h('label', { for: 'try-file' }, 'choose an image file'), input);
  const result = h('div', { id: 'try-result', 'aria-live': 'polite' });

  const classify = async (file: File) => {
    const preview = h('img', { src: URL.createObjectURL(file), alt: `The image sent: ${file.name}`, width: 112 });
    fill(result, h('div', { class: 'preview' }, preview), h('p', { class: 'meta' }, 'Predicting…'));
    const started = performance.now();
    try {
      const res = await fetch(`../predict?k=${TOP_K}`, { method: 'POST', body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
      const latency = performance.now() - started;
      const body = (await res.json()) as { version?: string; model?: string; predictions?: Prediction[]; error?: { code: string; message: string } };
      if (!res.ok || !body.predictions) {
        fill(result, h('div', { class: 'preview' }, preview), h('p', { class: 'error' }, `${res.status} ${body.error?.code ?? ''}: ${body.error?.message ?? 'no predictions'}`));
        return;
      }
      const bars = h('div', { class: 'bars', role: 'list', 'aria-label': 'Top predictions' });
      for (const p of body.predictions) {
        const pct = Math.round(p.probability * 1000) / 10;
        bars.append(
          h('span', { role: 'listitem', class: 'label' }, p.label),
          h('div', { class: 'bar-track', 'aria-hidden': 'true' }, bar(pct)),
          h('span', { class: 'num' }, `${pct.toFixed(1)}%`),
        );
      }
      fill(
        result,
        h('div', { class: 'preview' }, preview),
        h('p', {}, h('strong', { id: 'top-label' }, body.predictions[0]?.label ?? '?'), ` · ${ms(latency)} round trip · model ${body.model ?? ''} ${body.version ?? ''}`),
        bars,
      );
    } catch (err) {
      fill(result, h('p', { class: 'error' }, describeError(err)));
    }
  };
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void classify(file);
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void classify(file);
  });
  fill(main, h('h1', {}, 'Try it'), h('p', { class: 'meta' }, `Sends the image to ${predict.name} (POST /predict) and shows its top ${TOP_K} labels.`), drop, result);
}
