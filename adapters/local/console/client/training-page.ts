import { apiUrl, getJson } from './api.js';
import { lineChart } from './chart.js';
import { fill, h } from './dom.js';

interface Progress {
  runId: string;
  model: string;
  state: 'training' | 'continuing' | 'finished' | 'failed';
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  batch: number;
  batchesPerEpoch: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number | null;
  etaSeconds: number | null;
  version?: string;
  updatedAt: string;
  points: { step: number; loss: number; accuracy: number; time: number }[];
  history: { epoch: number; loss: number; accuracy: number; seconds: number }[];
}

interface RunView {
  bucket: string;
  progress: Progress;
}

function eta(seconds: number | null, state: Progress['state']): string {
  if (state === 'finished') return 'done';
  if (seconds === null) return '—';
  if (seconds < 60) return `${seconds} s`;
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/**
 * Training: each run the pipeline publishes progress for, newest first; the
 * chosen run's step, epoch, loss, accuracy, samples/s and ETA, and its loss
 * and accuracy curves, updated live from the console's event stream.
 * Returns the cleanup that closes the stream.
 */
export async function trainingPage(main: HTMLElement): Promise<() => void> {
  const runs = new Map<string, RunView>();
  for (const run of (await getJson<{ runs: RunView[] }>('training')).runs) runs.set(run.progress.runId, run);
  const picker = h('select', { id: 'run' });
  const live = h('span', { class: 'live meta', 'aria-live': 'off' }, 'connecting…');
  const view = h('div', { id: 'training-view' });
  let chosen: string | undefined = [...runs.keys()][0];

  const renderPicker = () => {
    fill(picker, ...[...runs.values()].map((r) => h('option', { value: r.progress.runId, selected: r.progress.runId === chosen }, `${r.progress.model} · run ${r.progress.runId} (${r.progress.state})`)));
  };
  const render = () => {
    const run = chosen ? runs.get(chosen) : undefined;
    if (!run) {
      fill(view, h('p', { class: 'meta' }, 'No training run has published progress yet. Runs appear here as soon as they start.'));
      return;
    }
    const p = run.progress;
    const stat = (label: string, value: string, id: string) => h('div', { class: 'kpi' }, h('dt', {}, label), h('dd', { id }, value));
    fill(
      view,
      h('p', {}, h('span', { class: `badge ${p.state === 'failed' ? 'error' : p.state === 'finished' ? 'ok' : 'warn'}`, id: 'run-state' }, p.state), ' ', p.version ? `saved as version ${p.version}` : '', h('span', { class: 'meta' }, ` · updated ${new Date(p.updatedAt).toLocaleTimeString()}`)),
      h('label', { for: 'run-progress' }, `Step ${p.step} of ${p.totalSteps}`),
      h('progress', { id: 'run-progress', max: Math.max(p.totalSteps, 1), value: p.step }),
      h(
        'dl',
        { class: 'kpis' },
        stat('Step', `${p.step} / ${p.totalSteps}`, 'kpi-step'),
        stat('Epoch', `${Math.min(p.epoch + 1, p.epochs)} / ${p.epochs}`, 'kpi-epoch'),
        stat('Loss', p.loss.toFixed(4), 'kpi-loss'),
        stat('Accuracy', `${(p.accuracy * 100).toFixed(2)}%`, 'kpi-accuracy'),
        stat('Samples/s', p.samplesPerSecond === null ? '—' : String(p.samplesPerSecond), 'kpi-rate'),
        stat('ETA', eta(p.etaSeconds, p.state), 'kpi-eta'),
      ),
      h(
        'div',
        { class: 'charts' },
        lineChart([{ name: 'loss', cls: 's1', points: p.points.map((q) => [q.step, q.loss] as const) }], { title: 'Loss (running mean)', xLabel: 'step' }),
        lineChart([{ name: 'accuracy', cls: 's2', points: p.points.map((q) => [q.step, q.accuracy] as const) }], { title: 'Accuracy (running mean)', xLabel: 'step', yMin: 0, yMax: 1, format: (y) => `${Math.round(y * 100)}%` }),
      ),
      p.history.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { id: 'epochs' },
              h('caption', {}, 'Finished epochs'),
              h('thead', {}, h('tr', {}, ...['Epoch', 'Loss', 'Accuracy', 'Seconds'].map((t) => h('th', { scope: 'col', class: 'num' }, t)))),
              h('tbody', {}, ...p.history.map((e) => h('tr', {}, h('td', { class: 'num' }, String(e.epoch + 1)), h('td', { class: 'num' }, e.loss.toFixed(4)), h('td', { class: 'num' }, `${(e.accuracy * 100).toFixed(2)}%`), h('td', { class: 'num' }, e.seconds.toFixed(1))))),
            ),
          )
        : null,
    );
  };

  picker.addEventListener('change', () => {
    chosen = picker.value;
    render();
  });
  fill(main, h('h1', {}, 'Training'), h('div', { class: 'row' }, h('div', { class: 'grow' }, h('label', { for: 'run' }, 'Run'), picker), h('div', {}, live)), view);
  renderPicker();
  render();

  const source = new EventSource(apiUrl('events'));
  source.addEventListener('open', () => (live.textContent = '● live'));
  source.addEventListener('error', () => (live.textContent = 'reconnecting…'));
  source.addEventListener('training', (event) => {
    const run = JSON.parse((event as MessageEvent<string>).data) as RunView;
    const known = runs.has(run.progress.runId);
    runs.set(run.progress.runId, run);
    chosen ??= run.progress.runId;
    if (!known) renderPicker();
    if (chosen === run.progress.runId) render();
  });
  return () => source.close();
}
