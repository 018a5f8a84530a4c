import { describeError } from './api.js';
import { fill, h } from './dom.js';
import type { Scored } from './try-answer.js';
import { ask, showAnswer } from './try-answer.js';

/** Labels shown. */
const TOP_K = 5;

/** A drop zone that sends an image to an image route (`POST /predict`) and shows its top-k labels as bars. */
export function imagePanel(name: string, path: string): HTMLElement {
  const input = h('input', { type: 'file', id: 'try-file', accept: 'image/png,image/jpeg,image/webp' });
  const drop = h('div', { class: 'drop', id: 'drop' }, h('p', {}, 'Drop an image here, or '), h('label', { for: 'try-file' }, 'choose an image file'), input);
  const result = h('div', { id: 'try-result', 'aria-live': 'polite' });

  const classify = async (file: File) => {
    const preview = h('div', { class: 'preview' }, h('img', { src: URL.createObjectURL(file), alt: `The image sent: ${file.name}`, width: 112 }));
    fill(result, preview, h('p', { class: 'meta' }, 'Predicting…'));
    try {
      const { answer, latency } = await ask(`${path}?k=${TOP_K}`, file, file.type || 'application/octet-stream', (body: { predictions?: Scored[] }) => body.predictions);
      showAnswer(result, answer, latency, 'top-label', preview);
    } catch (err) {
      fill(result, preview, h('p', { class: 'error', role: 'alert' }, describeError(err)));
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
  return h(
    'section',
    { 'aria-labelledby': 'try-image-title' },
    h('h2', { id: 'try-image-title' }, 'Image'),
    h('p', { class: 'meta' }, `Sends the image to the ${name} function (POST ${path}) and shows its top ${TOP_K} labels.`),
    drop,
    result,
  );
}
