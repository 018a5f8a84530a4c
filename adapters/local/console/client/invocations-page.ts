import { apiUrl, change, describeError, getJson } from './api.js';
import { confirmAction, fill, h, toast } from './dom.js';
import type { InvocationView } from './format.js';
import { clock, ms, outcome } from './format.js';

interface DeadLetterView {
  id?: string;
  function: string;
  attempts: number;
  error: { code: string; message: string };
  time: string;
  summary: string;
}

/** Most rows the live table keeps; older ones scroll off. */
const MAX_ROWS = 300;

/**
 * Invocations: a live table fed by server-sent events, filtered by function
 * and status; a row opens its details. Dead letters below, each with a retry.
 * Returns the cleanup that closes the stream when the page is left.
 */
export async function invocationsPage(main: HTMLElement): Promise<() => void> {
  const [{ records }, { functions }] = await Promise.all([
    getJson<{ records: InvocationView[] }>('invocations'),
    getJson<{ functions: { name: string }[] }>('functions'),
  ]);
  const all: InvocationView[] = records.slice(-MAX_ROWS);
  const fnFilter = h('select', { id: 'filter-fn' }, h('option', { value: '' }, 'All functions'), ...functions.map((f) => h('option', { value: f.name }, f.name)));
  const statusFilter = h('select', { id: 'filter-status' }, h('option', { value: '' }, 'Any status'), h('option', { value: 'ok' }, 'OK'), h('option', { value: 'error' }, 'Error'));
  const live = h('span', { class: 'live meta', 'aria-live': 'off' }, 'connecting…');
  const tbody = h('tbody', {});
  const detail = h('div', { id: 'invocation-detail', 'aria-live': 'polite' });
  const letters = h('div', {});

  const render = () => {
    const fn = fnFilter.value;
    const status = statusFilter.value;
    const rows = all.filter((r) => (!fn || r.function === fn) && (!status || r.status === status)).reverse();
    fill(tbody, ...(rows.length ? rows.map((r) => row(r, detail)) : [h('tr', {}, h('td', { colspan: 6, class: 'meta' }, 'Nothing yet: invoke something.'))]));
  };
  fnFilter.addEventListener('change', render);
  statusFilter.addEventListener('change', render);

  fill(
    main,
    h('h1', {}, 'Invocations'),
    h(
      'div',
      { class: 'row' },
      h('div', {}, h('label', { for: 'filter-fn' }, 'Function'), fnFilter),
      h('div', {}, h('label', { for: 'filter-status' }, 'Status'), statusFilter),
      h('div', {}, live),
    ),
    detail,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'invocations' },
        h('caption', { class: 'meta' }, 'Newest first; select a row for its log lines and details'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Time'),
            h('th', { scope: 'col' }, 'Function'),
            h('th', { scope: 'col', class: 'hide-narrow' }, 'Event'),
            h('th', { scope: 'col' }, 'Status'),
            h('th', { scope: 'col', class: 'num' }, 'Duration'),
            h('th', { scope: 'col', class: 'num hide-narrow' }, 'Attempt'),
          ),
        ),
        tbody,
      ),
    ),
    h('h2', { id: 'dead-letters' }, 'Dead letters'),
    letters,
  );
  render();
  await renderLetters(letters);

  const source = new EventSource(apiUrl('events'));
  source.addEventListener('open', () => (live.textContent = '● live'));
  source.addEventListener('error', () => (live.textContent = 'reconnecting…'));
  source.addEventListener('invocations', (event) => {
    const { records: batch } = JSON.parse((event as MessageEvent<string>).data) as { records: InvocationView[] };
    all.push(...batch);
    all.splice(0, Math.max(0, all.length - MAX_ROWS));
    render();
    if (batch.some((r) => r.status === 'error')) void renderLetters(letters);
  });
  return () => source.close();
}

function row(r: InvocationView, detail: HTMLElement): HTMLElement {
  const open = h('button', { type: 'button', class: 'linklike', 'aria-controls': 'invocation-detail' }, clock(r.start));
  open.addEventListener('click', () => showDetail(r, detail));
  return h(
    'tr',
    { class: 'row-button', 'data-function': r.function, 'data-status': r.status },
    h('td', {}, open),
    h('td', {}, r.function, r.coldStart ? h('span', { class: 'badge cold', title: 'cold start' }, 'cold') : null),
    h('td', { class: 'hide-narrow' }, r.summary),
    h('td', { class: r.status }, outcome(r)),
    h('td', { class: 'num' }, ms(r.durationMs)),
    h('td', { class: 'num hide-narrow' }, String(r.attempt)),
  );
}

function showDetail(r: InvocationView, detail: HTMLElement): void {
  const dl = h('dl', {});
  const add = (term: string, value: string | undefined) => {
    if (value !== undefined) dl.append(h('dt', {}, term), h('dd', {}, value));
  };
  add('Function', r.function);
  add('Event', r.summary);
  add('Request id', r.requestId);
  add('Started', new Date(r.start).toISOString());
  add('Duration', ms(r.durationMs));
  add('Attempt', String(r.attempt));
  add('Start', r.coldStart ? 'cold' : 'warm');
  add('HTTP status', r.httpStatus === undefined ? undefined : String(r.httpStatus));
  add('Error code', r.errorCode);
  add('Error', r.errorMessage);
  const lines = r.logs.map((l) => `${new Date(l.time).toISOString().slice(11, 23)} ${l.level.padEnd(5)} ${l.msg}`).join('\n');
  const close = h('button', { type: 'button', class: 'secondary' }, 'Close');
  close.addEventListener('click', () => fill(detail));
  fill(
    detail,
    h(
      'section',
      { class: 'panel detail', 'aria-label': `Invocation ${r.requestId}` },
      h('h2', {}, `${r.function} · ${outcome(r)}`),
      dl,
      h('h3', {}, 'Log lines'),
      h('pre', { class: 'logs' }, lines || '(none)', r.logsDropped ? `\n… ${r.logsDropped} more not kept` : ''),
      close,
    ),
  );
  close.focus();
}

async function renderLetters(container: HTMLElement): Promise<void> {
  try {
    const { deadLetters } = await getJson<{ deadLetters: DeadLetterView[] }>('dead-letters');
    if (!deadLetters.length) {
      fill(container, h('p', { class: 'meta' }, 'No dead letters.'));
      return;
    }
    const body = h(
      'tbody',
      {},
      ...deadLetters.map((l) => {
        const retry = h('button', { type: 'button', disabled: !l.id }, 'Retry');
        retry.addEventListener('click', () => void retryLetter(l, container));
        return h('tr', {}, h('td', {}, clock(l.time)), h('td', {}, l.function), h('td', {}, l.summary), h('td', { class: 'error' }, `${l.error.code}: ${l.error.message}`), h('td', { class: 'num' }, String(l.attempts)), h('td', {}, retry));
      }),
    );
    fill(
      container,
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'dead-letter-table' },
          h('thead', {}, h('tr', {}, ...['Time', 'Function', 'Event', 'Error', 'Attempts', ''].map((t) => h('th', { scope: 'col' }, t)))),
          body,
        ),
      ),
    );
  } catch (err) {
    fill(container, h('p', { class: 'error' }, describeError(err)));
  }
}

async function retryLetter(letter: DeadLetterView, container: HTMLElement): Promise<void> {
  if (!letter.id) return;
  if (!(await confirmAction(`Deliver the ${letter.function} event again with a fresh retry budget?`, 'Retry'))) return;
  try {
    await change('POST', `dead-letters/${encodeURIComponent(letter.id)}/retry`);
    toast(`Retrying ${letter.function}`);
  } catch (err) {
    toast(describeError(err));
  }
  await renderLetters(container);
}
