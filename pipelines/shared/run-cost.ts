import type { InvocationFacts, PricedPlatform, PriceTable, StageCost } from '../../src/index.js';
import { costPerMillion, DEFAULT_PRICES, PolyfaasError, runCost } from '../../src/index.js';
import { escapeXml } from './report-svg.js';

/** The pipeline's stages, and the functions each is made of. */
const STAGE_OF: Readonly<Record<string, string>> = {
  preprocess: 'preprocess',
  'preprocess-chunk': 'preprocess',
  'plan-training': 'train',
  train: 'train',
  // Data-parallel training (`training.workers` > 1): each round's shards and its reducer.
  'train-shard': 'train',
  'train-reduce': 'train',
  evaluate: 'evaluate',
  'evaluate-chunk': 'evaluate',
};
const STAGES = ['preprocess', 'train', 'evaluate'] as const;

/** What one run of the pipeline took and would cost on each cloud, as stored next to its report. */
export interface PipelineRunCost {
  /** Date of the price table used. */
  readonly pricesAsOf: string;
  readonly stages: readonly StageCost[];
  readonly total: StageCost;
  /** Predict at the latency measured in this run: per million requests on each cloud. */
  readonly predict?: { readonly latencyMs: number; readonly memoryMb: number; readonly perMillion: Readonly<Record<PricedPlatform, number>> };
  /** The invocations it was computed from (so it can be priced again with other prices). */
  readonly invocations: readonly InvocationFacts[];
}

/**
 * The cost of a pipeline run from its invocation records: compute time and
 * marginal cost (no free tier) of preprocess, train and evaluate on each
 * cloud, and predict per million requests at its median measured latency.
 */
export function pipelineRunCost(invocations: readonly InvocationFacts[], prices: PriceTable = DEFAULT_PRICES): PipelineRunCost {
  const staged = invocations.filter((r) => STAGE_OF[r.function] !== undefined);
  const { stages, total, asOf } = runCost(staged, { stages: STAGE_OF, prices });
  const predicts = invocations.filter((r) => r.function === 'predict').map((r) => r.durationMs).sort((a, b) => a - b);
  const latencyMs = predicts[Math.floor(predicts.length / 2)];
  const memoryMb = invocations.find((r) => r.function === 'predict')?.memoryMb ?? 1024;
  return {
    pricesAsOf: asOf,
    stages: STAGES.map((stage) => stages.find((s) => s.stage === stage) ?? { stage, invocations: 0, computeMs: 0, cost: { aws: 0, gcp: 0, azure: 0, 'azure-flex': 0 } }),
    total,
    ...(latencyMs === undefined ? {} : { predict: { latencyMs, memoryMb, perMillion: costPerMillion({ durationMs: latencyMs, memoryMb }, prices) } }),
    invocations: staged.concat(invocations.filter((r) => r.function === 'predict')).map((r) => ({ function: r.function, durationMs: r.durationMs, ...(r.memoryMb ? { memoryMb: r.memoryMb } : {}) })),
  };
}

/**
 * The invocations of a stored run cost (its `invocations`) or of a plain
 * array of records, checked, so the run can be priced again.
 *
 * @throws `InvalidArgument` for anything else.
 */
export function runCostInvocations(value: unknown): InvocationFacts[] {
  const list = Array.isArray(value) ? value : (value as { invocations?: unknown } | null)?.invocations;
  if (!Array.isArray(list)) throw new PolyfaasError('InvalidArgument', 'Expected a run cost (with "invocations") or an array of invocation records');
  return list.map((r: unknown, i) => {
    const rec = r as Partial<InvocationFacts> | null;
    if (typeof rec?.function !== 'string' || typeof rec.durationMs !== 'number' || !(rec.durationMs >= 0)) {
      throw new PolyfaasError('InvalidArgument', `Invocation ${i} needs a function name and a durationMs >= 0`);
    }
    return { function: rec.function, durationMs: rec.durationMs, ...(typeof rec.memoryMb === 'number' && rec.memoryMb > 0 ? { memoryMb: rec.memoryMb } : {}) };
  });
}

const PLATFORMS: readonly PricedPlatform[] = ['aws', 'gcp', 'azure', 'azure-flex'];
const HEAD = ['AWS Lambda', 'Cloud Run fn', 'Azure Cons.', 'Azure Flex'];
const usd = (v: number) => (v >= 0.01 ? `$${v.toFixed(2)}` : `$${v.toPrecision(2)}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The cost as a plain-text table (what `polyfaas cost` and the demo print). */
export function renderRunCostText(cost: PipelineRunCost): string {
  const rows = [['stage', 'calls', 'compute', ...HEAD]];
  for (const s of [...cost.stages, cost.total]) rows.push([s.stage, String(s.invocations), seconds(s.computeMs), ...PLATFORMS.map((p) => usd(s.cost[p]))]);
  if (cost.predict) rows.push([`predict /1M @${cost.predict.latencyMs.toFixed(1)} ms`, '1000000', '', ...PLATFORMS.map((p) => usd((cost.predict as NonNullable<PipelineRunCost['predict']>).perMillion[p]))]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  '));
  return `${lines.join('\n')}\n(marginal cost beyond free tiers, prices as of ${cost.pricesAsOf}; memory as configured per function)\n`;
}

/** The cost as an HTML section for the evaluation report. */
export function renderRunCostHtml(cost: PipelineRunCost): string {
  const cells = (values: string[]) => values.map((v) => `<td>${escapeXml(v)}</td>`).join('');
  const rows = [...cost.stages, cost.total].map((s) => `<tr>${cells([s.stage, String(s.invocations), seconds(s.computeMs), ...PLATFORMS.map((p) => usd(s.cost[p]))])}</tr>`);
  if (cost.predict) {
    const p = cost.predict;
    rows.push(`<tr>${cells([`predict, per million at ${p.latencyMs.toFixed(1)} ms`, '1,000,000', '', ...PLATFORMS.map((k) => usd(p.perMillion[k]))])}</tr>`);
  }
  return `<h2>Compute and cost of this run</h2><table><tr><th>stage</th><th>invocations</th><th>compute</th>${HEAD.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>
<p>Marginal cost beyond the free tiers, on-demand prices as of ${escapeXml(cost.pricesAsOf)}, memory as each function configures it.</p>`;
}
