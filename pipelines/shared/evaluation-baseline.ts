import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import type { ModelStore } from '../../src/model/index.js';
import { readJsonIfExists } from './read-json.js';

/**
 * The production model a candidate is compared with: its version, and its
 * accuracy when its own report scored it on the same test split (otherwise it
 * has to be measured on that split, by whoever scores the candidate).
 */
export interface BaselineToMeasure {
  readonly version: string;
  readonly accuracy?: number;
}

/** Where {@link resolveBaseline} looks. */
export interface BaselineQuery {
  readonly name: string;
  readonly alias: string;
  readonly candidate: string;
  /** The test run the candidate is scored on; a report scored on another cannot be compared. */
  readonly testRunId: string;
  /** Key of a version's JSON report (each pipeline keeps its own layout). */
  readonly reportJsonKey: (version: string) => string;
}

/**
 * Which production version a candidate is judged against, if any: none when
 * nothing is promoted yet or the candidate is production already; its
 * reported accuracy when that report was scored on the same test run.
 * Shared by the image and text pipelines.
 */
export async function resolveBaseline(store: ModelStore, bucket: Bucket, query: BaselineQuery): Promise<BaselineToMeasure | undefined> {
  const { name, alias, candidate, testRunId } = query;
  let current: string;
  try {
    current = (await store.resolveAlias(name, alias)).version;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
  if (current === candidate) return undefined;
  const report = await readJsonIfExists<{ testRunId?: string; metrics?: { accuracy: number } }>(bucket, query.reportJsonKey(current));
  if (report?.metrics && report.testRunId === testRunId) return { version: current, accuracy: report.metrics.accuracy };
  return { version: current };
}
