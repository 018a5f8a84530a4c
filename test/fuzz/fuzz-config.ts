import type fc from 'fast-check';

/**
 * One seed for the whole suite, so CI runs the same cases every time and a
 * failure can be replayed: fast-check prints `seed` and `path` when a property
 * fails; run `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/fuzz -t '<test name>'`.
 */
export const FUZZ_SEED = envInt('FUZZ_SEED', 12_012);
/** Cases per property; `FUZZ_RUNS=20000 npx vitest run test/fuzz` explores further. */
export const FUZZ_RUNS = envInt('FUZZ_RUNS', 500);
const FUZZ_PATH = process.env.FUZZ_PATH;
/** Per-test timeout: the default 30 s, or more when `FUZZ_RUNS` asks for a long exploration (~10 ms a case). */
export const FUZZ_TIMEOUT_MS = Math.max(30_000, FUZZ_RUNS * 10);

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

/** fast-check parameters for one property: the suite seed, `runs` cases (default {@link FUZZ_RUNS}), replayable. */
export function fuzzParams<T>(runs = FUZZ_RUNS): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: runs, ...(FUZZ_PATH ? { path: FUZZ_PATH } : {}), endOnFailure: false };
}

/** Counts the cases each adapter ran, for the summary line printed when a file ends. */
export class CaseCounter {
  private readonly counts = new Map<string, number>();

  /** Count one case for `adapter`. */
  hit(adapter: string): void {
    this.counts.set(adapter, (this.counts.get(adapter) ?? 0) + 1);
  }

  /** Cases counted for `adapter`. */
  get(adapter: string): number {
    return this.counts.get(adapter) ?? 0;
  }

  /** `adapter: n` pairs, for the log. */
  summary(): string {
    return [...this.counts].map(([a, n]) => `${a}: ${n}`).join(', ');
  }
}
