import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import type { ModelStore } from '../../src/model/index.js';
import type { RefusedEvaluation, StoredReport } from './report.js';
import { isEvaluated } from './report.js';

/**
 * Why a candidate may not be judged on its test split, or `undefined` when it
 * may: the candidate records no test split, the split is missing, or it has
 * fewer than `minTestExamples` examples.
 */
export function refusalReason(testKey: string | undefined, count: number | undefined, minTestExamples: number): string | undefined {
  if (!testKey) return 'not evaluated: the candidate records no test split';
  if (count === undefined) return `not evaluated: test split ${testKey} is missing`;
  if (count >= minTestExamples) return undefined;
  return `not evaluated: the test split has ${count} example${count === 1 ? '' : 's'}, fewer than the minimum of ${minTestExamples}`;
}

/** Write the report of a candidate that was not judged (never promoted) at `key`, and return it. */
export async function writeRefusal(
  bucket: Bucket,
  key: string,
  refusal: Pick<RefusedEvaluation, 'model' | 'version' | 'reason' | 'testExamples' | 'minTestExamples'>,
): Promise<RefusedEvaluation> {
  const report: RefusedEvaluation = { ...refusal, evaluated: false, promoted: false, evaluatedAt: new Date().toISOString() };
  await bucket.put(key, JSON.stringify(report, null, 2), { contentType: 'application/json' });
  return report;
}

/** The stored report at `key`, or `undefined` when the candidate has none yet. */
export async function readStoredReport(bucket: Bucket, key: string): Promise<StoredReport | undefined> {
  try {
    return JSON.parse(new TextDecoder().decode((await bucket.get(key)).body)) as StoredReport;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
}

/**
 * A process killed between writing a report that says "promoted" and moving
 * the alias leaves the alias behind. Move it now, unless something else was
 * promoted meanwhile (the alias is neither missing nor at the baseline the
 * report compared with). True if the alias was moved.
 */
export async function finishPromotion(store: ModelStore, name: string, alias: string, report: StoredReport): Promise<boolean> {
  if (!report.promoted || !isEvaluated(report)) return false;
  let current: string | undefined;
  try {
    current = (await store.resolveAlias(name, alias)).version;
  } catch (err) {
    if (!isPolyfaasError(err, 'NotFound')) throw err;
  }
  if (current === report.version || (current !== undefined && current !== report.baseline?.version)) return false;
  await store.promote(name, report.version, alias);
  return true;
}
