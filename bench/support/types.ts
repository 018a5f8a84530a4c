/** Options every benchmark's `run` receives. */
export interface BenchOptions {
  /** Fewer samples and runs, so `npm run bench -- --quick` finishes in under 3 minutes. */
  quick: boolean;
}

/** One line of the results table: polyfaas against a baseline measured in the same run. */
export interface BenchRow {
  metric: string;
  baseline: number;
  polyfaas: number;
  unit: string;
  /** As the target defines it (e.g. baseline/polyfaas for a speed-up); see {@link ratioRow}. */
  ratio: number;
  /** Human-readable target, e.g. `>= 5x` or `<= 1.10x`; `info` when the issue sets none. */
  target: string;
  pass: boolean;
  /** What was measured and how, when the metric name alone would mislead. */
  note?: string;
}

/** A benchmark module: `bench/<name>.ts` exports one of these as `run`. */
export type BenchRun = (opts: BenchOptions) => Promise<BenchRow[]>;

/** How a row's ratio is formed. */
export type RatioKind =
  /** polyfaas / baseline: throughput (higher is better) or a cost ratio (lower is better). */
  | 'polyfaas/baseline'
  /** baseline / polyfaas: a speed-up from latencies (higher is better). */
  | 'baseline/polyfaas';

/** Inputs of {@link ratioRow}. */
export interface RatioRowInput {
  metric: string;
  baseline: number;
  polyfaas: number;
  unit: string;
  ratio: RatioKind;
  /** `['>=', 5]` means ratio must be at least 5; omitted means informational. */
  target?: ['>=' | '<=', number];
  note?: string;
}

/** Build a row, computing the ratio and the pass/fail against the target. */
export function ratioRow(input: RatioRowInput): BenchRow {
  const ratio = input.ratio === 'polyfaas/baseline' ? input.polyfaas / input.baseline : input.baseline / input.polyfaas;
  const [op, value] = input.target ?? [undefined, undefined];
  const pass = op === undefined ? true : op === '>=' ? ratio >= value : ratio <= value;
  return {
    metric: input.metric,
    baseline: input.baseline,
    polyfaas: input.polyfaas,
    unit: input.unit,
    ratio,
    target: op === undefined ? 'info' : `${op} ${value}x (${input.ratio})`,
    pass,
    ...(input.note ? { note: input.note } : {}),
  };
}

/** A row with an absolute limit (e.g. peak RSS <= 120 MB) rather than a ratio to a baseline. */
export function limitRow(input: { metric: string; baseline: number; polyfaas: number; unit: string; limit: number; note?: string }): BenchRow {
  return {
    metric: input.metric,
    baseline: input.baseline,
    polyfaas: input.polyfaas,
    unit: input.unit,
    ratio: input.polyfaas / input.baseline,
    target: `polyfaas <= ${input.limit} ${input.unit}`,
    pass: input.polyfaas <= input.limit,
    ...(input.note ? { note: input.note } : {}),
  };
}
