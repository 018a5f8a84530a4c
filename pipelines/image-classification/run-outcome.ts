import type { Bucket } from '../../src/index.js';
import { isPolyfaasError } from '../../src/index.js';
import { REPORTS_PREFIX } from './jobs.js';
import { featuresManifestKey } from './layout.js';
import type { EvaluationReport, RefusedEvaluation, StoredReport } from '../shared/report.js';
import { isEvaluated } from '../shared/report.js';
import type { PipelineStatus } from './status-function.js';

/**
 * Ask for a training run over the current features. Unchanged data fires no
 * events, but a changed training config still deserves a run: re-announcing
 * the train features manifest asks plan-training, whose run id (a hash of
 * features and config) makes it a no-op when nothing changed. False when
 * there are no features yet.
 */
export async function requestTraining(bucket: Bucket, dataset: string, trainSplit = 'train'): Promise<boolean> {
  try {
    const manifest = await bucket.get(featuresManifestKey(dataset, trainSplit));
    await bucket.put(manifest.key, manifest.body, { contentType: manifest.contentType, metadata: { ...manifest.metadata }, ifMatch: manifest.etag });
    return true;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound', 'PreconditionFailed')) return false;
    throw err;
  }
}

/**
 * The report of the version the `production` alias points at, else the newest
 * evaluated one; `refused` lists candidates the evaluation guardrails turned down.
 */
export async function productionReport(bucket: Bucket, modelName: string): Promise<{ report: EvaluationReport | undefined; refused: RefusedEvaluation[] }> {
  const reports: EvaluationReport[] = [];
  const refused: RefusedEvaluation[] = [];
  for await (const obj of bucket.list({ prefix: `${REPORTS_PREFIX}${modelName}/` })) {
    if (!obj.key.endsWith('.json')) continue;
    const stored = JSON.parse(new TextDecoder().decode((await bucket.get(obj.key)).body)) as StoredReport;
    if (isEvaluated(stored)) reports.push(stored);
    else refused.push(stored);
  }
  let production: string | undefined;
  try {
    production = (JSON.parse(new TextDecoder().decode((await bucket.get(`models/${modelName}/aliases/production.json`)).body)) as { version: string }).version;
  } catch (err) {
    if (!isPolyfaasError(err, 'NotFound')) throw err;
  }
  const report = reports.find((r) => r.version === production) ?? reports.sort((a, b) => a.evaluatedAt.localeCompare(b.evaluatedAt)).at(-1);
  return { report, refused };
}

/** Lines that say what a pipeline without a model is stuck on, from its `GET /status` answer. */
export function explainStatus(status: PipelineStatus): string[] {
  return [
    ...status.waitingFor.map((split) => `waiting for the ${split} split: its features do not exist yet`),
    ...(status.lastError ? [`last error: ${status.lastError.function} on ${status.lastError.key}: ${status.lastError.code} ${status.lastError.message}`] : []),
  ];
}
