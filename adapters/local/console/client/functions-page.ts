import { describeError, getJson } from './api.js';
import { fill, h } from './dom.js';
import type { InvocationView, TriggerView } from './format.js';
import { clock, ms, outcome, triggerText } from './format.js';

/** One function as `GET api/functions` describes it. */
export interface FunctionView {
  name: string;
  trigger: TriggerView;
  state: 'cold' | 'initializing' | 'warm';
  initMs?: number;
  recent: InvocationView[];
}

/** The app's functions as `GET api/functions` answers. */
export function loadFunctions(): Promise<{ app: string; functions: FunctionView[] }> {
  return getJson('functions');
}

/** Functions: each with its trigger, instance state, last invocations, and a form to call HTTP ones. */
export async function functionsPage(main: HTMLElement): Promise<void> {
  const { functions } = await loadFunctions();
  fill(main, h('h1', {}, 'Functions'), h('div', { class: 'grid' }, ...functions.map(functionCard)));
}

function functionCard(fn: FunctionView): HTMLElement {
  const state = h('span', { class: `badge ${fn.state}` }, fn.state === 'warm' && fn.initMs !== undefined ? `warm · init ${ms(fn.initMs)}` : fn.state);
  const recent = fn.recent.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          {},
          h('caption', { class: 'meta' }, 'Recent invocations'),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Time'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'num' }, 'Duration'))),
          h(
            'tbody',
            {},
            ...fn.recent.map((r) =>
              h('tr', {}, h('td', {}, clock(r.start)), h('td', { class: r.status }, outcome(r)), h('td', { class: 'num' }, ms(r.durationMs))),
            ),
          ),
        ),
      )
    : h('p', { class: 'meta' }, 'No invocations yet.');
  return h(
    'section',
    { class: 'card', 'aria-labelledby': `fn-${fn.name}` },
    h('h2', { id: `fn-${fn.name}` }, fn.name, ' ', state),
    h('p', { class: 'meta' }, `Trigger: ${triggerText(fn.trigger)}`),
    recent,
    fn.trigger.type === 'http' ? invokeForm(fn.name, fn.trigger) : null,
  );
}

/** Call an HTTP function from the page: same origin, so exactly what any client gets. */
function invokeForm(name: string, trigger: { method: string; path: string }): HTMLElement {
  const id = (field: string) => `invoke-${name}-${field}`;
  const method = h('select', { id: id('method') }, ...['GET', 'POST', 'PUT', 'DELETE'].map((m) => h('option', { value: m, selected: m === (trigger.method === '*' ? 'GET' : trigger.method) }, m)));
  const path = h('input', { type: 'text', id: id('path'), value: trigger.path, autocomplete: 'off' });
  const type = h('input', { type: 'text', id: id('type'), value: 'application/json', autocomplete: 'off' });
  const body = h('textarea', { id: id('body'), rows: 3 });
  const result = h('div', { 'aria-live': 'polite' });
  const send = async (event: Event) => {
    event.preventDefault();
    fill(result, h('p', { class: 'meta' }, 'Sending…'));
    const started = performance.now();
    try {
      const hasBody = method.value !== 'GET' && method.value !== 'DELETE';
      const res = await fetch(path.value, { method: method.value, ...(hasBody ? { body: body.value, headers: { 'content-type': type.value } } : {}) });
      const text = await res.text();
      const took = performance.now() - started;
      fill(result, h('p', {}, h('span', { class: res.ok ? 'ok' : 'error' }, `${res.status} ${res.statusText}`), ` in ${ms(took)}`), h('pre', {}, text.slice(0, 20_000)));
    } catch (err) {
      fill(result, h('p', { class: 'error' }, describeError(err)));
    }
  };
  return h(
    'details',
    { class: 'detail' },
    h('summary', {}, 'Invoke'),
    h(
      'form',
      { onsubmit: (e) => void send(e), 'aria-label': `Invoke ${name}` },
      h('div', { class: 'row' }, h('div', {}, h('label', { for: id('method') }, 'Method'), method), h('div', { class: 'grow' }, h('label', { for: id('path') }, 'Path'), path)),
      h('label', { for: id('type') }, 'Content type'),
      type,
      h('label', { for: id('body') }, 'Body'),
      body,
      h('p', {}, h('button', { type: 'submit' }, `Send to ${name}`)),
      result,
    ),
  );
}
