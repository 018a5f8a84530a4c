import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import type { ModelStore } from '../../src/model/index.js';
import type { EvaluationReport } from '../shared/report.js';
import { readJsonIfExists, reportKey } from './jobs.js';

/**
 * The production model a candidate is compared with: its version, and its
 * accuracy when its own report scored it on the same test split (otherwise it
 * has to be measured on that split, by whoever scores the candidate).
 */
export interface BaselineToMeasure {
  readonly version: string;
  readonly accuracy?: number;
}

/**
 * Which production version a candidate is judged against, if any: none when
 * nothing is promoted yet or the candidate is production already; its
 * reported accuracy when that report was scored on test run `testRunId`.
 */
export async function resolveBaseline(store: ModelStore, name: string, alias: string, candidate: string, testRunId: string, bucket: Bucket): Promise<BaselineToMeasure | undefined> {
  let current: string;
  try {
    current = (await store.resolveAlias(name, alias)).version;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
  if (current === candidate) return undefined;
  const report = await readJsonIfExists<EvaluationReport & { testRunId?: string }>(bucket, reportKey(name, current, 'json'));
  if (report && report.testRunId === testRunId) return { version: current, accuracy: report.metrics.accuracy };
  return { version: current };
}
