import { getJson } from './api.js';
import { fill, h } from './dom.js';
import { ms, usd } from './format.js';

type Platform = string;
type Costs = Record<Platform, number>;

/** One row of a cost table: a function or a pipeline stage. */
interface CostRow {
  invocations: number;
  computeMs: number;
  cost: Costs;
}

/** A stored run, priced by the server with its current table. */
type RunView = { bucket: string; model: string; version: string; storedPricesAsOf?: string } & (
  | { cost: { pricesAsOf: string; stages: (CostRow & { stage: string })[]; total: CostRow; predict?: { latencyMs: number; memoryMb: number; perMillion: Costs } } }
  | { error: string }
);

/** What `GET api/cost` answers: every figure is computed on the server, by the cost model. */
interface CostView {
  asOf: string;
  platforms: { platform: Platform; label: string; region: string; sources: { url: string; note: string }[] }[];
  recent: { functions: (CostRow & { function: string })[]; total: CostRow; withoutMemory: number; assumedMemoryMb: number };
  runs: RunView[];
}

/** Cost: recent invocations per function and each stored run, on each cloud, with the price table's date and sources. */
export async function costPage(main: HTMLElement): Promise<void> {
  const view = await getJson<CostView>('cost');
  const heads = view.platforms.map((p) => h('th', { scope: 'col', class: 'num' }, p.label));
  const cells = (row: CostRow) => view.platforms.map((p) => h('td', { class: 'num', 'data-platform': p.platform }, usd(row.cost[p.platform] ?? 0)));
  const { recent } = view;
  const recentTable = recent.functions.length
    ? h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'recent-cost' },
          h('caption', { class: 'meta' }, `The last ${recent.total.invocations} invocations this server recorded`),
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Function'), h('th', { scope: 'col', class: 'num' }, 'Invocations'), h('th', { scope: 'col', class: 'num' }, 'Compute'), ...heads.map((th) => th.cloneNode(true)))),
          h('tbody', {}, ...recent.functions.map((f) => h('tr', { 'data-function': f.function }, h('th', { scope: 'row' }, f.function), ...counts(f), ...cells(f)))),
          h('tfoot', {}, h('tr', { 'data-function': '' }, h('th', { scope: 'row' }, 'Total'), ...counts(recent.total), ...cells(recent.total))),
        ),
      )
    : h('p', { class: 'meta' }, 'No invocations yet.');
  const memoryNote = recent.withoutMemory ? ` ${recent.withoutMemory} of them ran in functions that configure no memory: ${recent.assumedMemoryMb} MB assumed.` : '';
  fill(
    main,
    h('h1', {}, 'Cost'),
    h('p', { class: 'meta' }, `Marginal cost beyond the free tiers, on-demand prices as of ${view.asOf}, memory as each function configures it. Storage, queues, logs and data transfer are not included.`),
    h('section', { 'aria-labelledby': 'cost-recent-h' }, h('h2', { id: 'cost-recent-h' }, 'Recent invocations'), recentTable, memoryNote ? h('p', { class: 'meta' }, memoryNote.trim()) : null),
    h(
      'section',
      { 'aria-labelledby': 'cost-runs-h' },
      h('h2', { id: 'cost-runs-h' }, 'Pipeline runs'),
      view.runs.length ? h('div', { id: 'run-costs' }, ...view.runs.map((run) => runTable(run, heads, cells))) : h('p', { class: 'meta' }, 'No stored run costs (reports/<model>/<version>.cost.json) yet.'),
    ),
    h('section', { 'aria-labelledby': 'cost-prices-h' }, h('h2', { id: 'cost-prices-h' }, `Prices as of ${view.asOf}`), h('ul', { id: 'price-sources' }, ...view.platforms.map(priceItem))),
  );
}

function counts(row: CostRow): HTMLElement[] {
  return [h('td', { class: 'num' }, String(row.invocations)), h('td', { class: 'num' }, ms(row.computeMs))];
}

function runTable(run: RunView, heads: HTMLElement[], cells: (row: CostRow) => HTMLElement[]): HTMLElement {
  const title = `${run.model} ${run.version}`;
  if ('error' in run) return h('p', { class: 'error', 'data-version': run.version }, `${title} (${run.bucket}): ${run.error}`);
  const { cost } = run;
  const stored = run.storedPricesAsOf && run.storedPricesAsOf !== cost.pricesAsOf ? `; stored with prices as of ${run.storedPricesAsOf}` : '';
  const predict = cost.predict;
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'run-cost', 'data-version': run.version },
      h('caption', {}, title, h('span', { class: 'meta' }, ` · bucket ${run.bucket}${stored}`)),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Stage'), h('th', { scope: 'col', class: 'num' }, 'Invocations'), h('th', { scope: 'col', class: 'num' }, 'Compute'), ...heads.map((th) => th.cloneNode(true)))),
      h('tbody', {}, ...cost.stages.map((s) => h('tr', { 'data-stage': s.stage }, h('th', { scope: 'row' }, s.stage), ...counts(s), ...cells(s)))),
      h(
        'tfoot',
        {},
        h('tr', { 'data-stage': 'total' }, h('th', { scope: 'row' }, 'Total'), ...counts(cost.total), ...cells(cost.total)),
        predict
          ? h('tr', { 'data-stage': 'predict' }, h('th', { scope: 'row' }, `Predict, per million at ${ms(predict.latencyMs)} (${predict.memoryMb} MB)`), h('td', { class: 'num' }, '1,000,000'), h('td', {}), ...cells({ invocations: 1e6, computeMs: 0, cost: predict.perMillion }))
          : null,
      ),
    ),
  );
}

function priceItem(p: CostView['platforms'][number]): HTMLElement {
  return h(
    'li',
    {},
    h('strong', {}, p.label),
    ` (${p.region}): `,
    ...p.sources.flatMap((s, i) => [i ? '; ' : '', safeUrl(s.url) ? h('a', { href: s.url, rel: 'noreferrer noopener', target: '_blank' }, new URL(s.url).hostname) : s.url, s.note ? ` ${s.note}` : '']),
  );
}

/** Only web links become links: the table is the server's, but a link is a link. */
function safeUrl(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
