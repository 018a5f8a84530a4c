import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import type { ModelStore } from '../../src/model/index.js';
import type { Checkpointer } from './checkpoint.js';
import { putIfAbsent } from './put-if-absent.js';

/** What a training run's redelivery found: a version it saved before it died, and whether it recorded the run. */
export type AdoptedRun = { status: 'finished'; runId: string; version: string } | { status: 'skipped'; runId: string; reason: string };

/**
 * A process killed between saving the run's model and recording the run's
 * result leaves a version nothing points at. The redelivered job adopts it
 * instead of training again and saving a second candidate for the same run.
 * `record` builds the run-result object for the adopted version; it is written
 * with write-if-absent, so of two redeliveries only one reports `finished`.
 * @returns the outcome, or `undefined` when the run saved no version yet.
 */
export async function adoptSavedVersion(
  bucket: Bucket,
  store: ModelStore,
  run: { modelName: string; runId: string; resultKey: string; record: (version: string) => unknown },
  checkpointer: Checkpointer,
): Promise<AdoptedRun | undefined> {
  let versions;
  try {
    versions = await store.list(run.modelName);
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
  const saved = versions.find((v) => (v.metadata as { runId?: unknown } | undefined)?.runId === run.runId);
  if (!saved) return undefined;
  if (!(await putIfAbsent(bucket, run.resultKey, JSON.stringify(run.record(saved.version), null, 2), { contentType: 'application/json' }))) {
    return { status: 'skipped', runId: run.runId, reason: 'run already finished' };
  }
  await checkpointer.clear();
  return { status: 'finished', runId: run.runId, version: saved.version };
}
