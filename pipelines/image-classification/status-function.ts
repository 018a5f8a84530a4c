import type { Bucket, FunctionDefinition, HttpTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError, json } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { CheckpointState } from '../shared/checkpoint.js';
import { readFeaturesManifest } from './features-manifest.js';
import type { RunResult } from './jobs.js';
import { checkpointPrefix, readJsonIfExists, reportKey, runResultKey, TRAIN_JOBS_PREFIX } from './jobs.js';
import { readRoundJob, ROUND_JOBS_PREFIX } from './round-jobs.js';
import type { LastError } from './last-error.js';
import { readLastError } from './last-error.js';
import { datasetManifestKey, DEFAULT_LAYOUT, featuresManifestKey } from './layout.js';
import type { StoredReport } from '../shared/report.js';
import { isEvaluated } from '../shared/report.js';

/** Options for {@link createStatusFunction}. */
export interface StatusFunctionOptions {
  bucket: string;
  dataset: string;
  modelName: string;
  trainSplit?: string;
  testSplit?: string;
  /** Model store prefix. Default `models/`. */
  modelsPrefix?: string;
  /** Default `production`. */
  alias?: string;
}

/** One split as the pipeline has seen it. */
export interface SplitStatus {
  /** The uploader's `_dataset.json` is there: the split's upload completed. */
  uploaded: boolean;
  /** Its features, once preprocessing finished. */
  features: { examples: number; errors: number; runId: string } | null;
}

/** Where one training run stands. */
export interface RunStatus {
  runId: string;
  stage: 'planned' | 'training' | 'evaluating' | 'evaluated' | 'promoted' | 'not-evaluated';
  /** Train jobs written for the run (one per invocation; for a data-parallel run, one per worker per round). */
  jobs: number;
  /** Optimizer steps in the latest checkpoint, while training. */
  step?: number;
  /** A data-parallel run's progress while training: the latest round with jobs (1-based) of the run's rounds. */
  round?: { current: number; of: number };
  version?: string;
  accuracy?: number;
  /** Why it was (not) promoted or not evaluated. */
  reason?: string;
}

/** What `GET /status` answers. */
export interface PipelineStatus {
  dataset: string;
  model: string;
  splits: Record<string, SplitStatus>;
  /** Splits training waits for: empty until one split has features, and once both have. */
  waitingFor: string[];
  runs: RunStatus[];
  /** Train jobs of unfinished runs: the work in flight or still to do. */
  pendingJobs: string[];
  production: string | null;
  lastError: LastError | null;
}

/**
 * `GET /status`: what the pipeline has seen and where it stands — which
 * splits arrived, whether training waits for one, each run's stage, the jobs
 * still pending, the production version and the last failure. Reads only
 * small JSON objects, no TensorFlow.
 */
export function createStatusFunction(options: StatusFunctionOptions): FunctionDefinition<HttpTrigger, undefined> {
  const splits = [options.trainSplit ?? 'train', options.testSplit ?? 'test'];
  return defineFunction({
    name: 'pipeline-status',
    trigger: { type: 'http', method: 'GET', path: '/status' },
    timeoutMs: 10_000,
    handler: async (_req, ctx) => {
      const bucket = ctx.bucket(options.bucket);
      const seen: Record<string, SplitStatus> = {};
      for (const split of splits) seen[split] = await splitStatus(bucket, options.dataset, split);
      const withFeatures = splits.filter((s) => seen[s]?.features);
      const runs = await runStatuses(bucket, options.modelName);
      const status: PipelineStatus = {
        dataset: options.dataset,
        model: options.modelName,
        splits: seen,
        waitingFor: withFeatures.length > 0 ? splits.filter((s) => !seen[s]?.features) : [],
        runs: runs.map((r) => r.status),
        pendingJobs: runs.filter((r) => r.pendingJob).map((r) => r.pendingJob as string),
        production: await production(bucket, options),
        lastError: (await readLastError(bucket)) ?? null,
      };
      return json(status);
    },
  });
}

async function splitStatus(bucket: Bucket, dataset: string, split: string): Promise<SplitStatus> {
  const features = await readFeaturesManifest(bucket, featuresManifestKey(dataset, split, DEFAULT_LAYOUT));
  return {
    uploaded: await bucket.exists(datasetManifestKey(dataset, split, DEFAULT_LAYOUT)),
    features: features ? { examples: features.manifest.count, errors: features.manifest.errors.count, runId: features.manifest.runId } : null,
  };
}

async function runStatuses(bucket: Bucket, model: string): Promise<{ status: RunStatus; pendingJob?: string }[]> {
  const jobs = new Map<string, string[]>();
  // Data-parallel runs (training.workers > 1) have round jobs instead: they are listed the same way.
  for (const prefix of [TRAIN_JOBS_PREFIX, ROUND_JOBS_PREFIX]) {
    for await (const obj of bucket.list({ prefix })) {
      const runId = obj.key.slice(prefix.length).split('/')[0] as string;
      jobs.set(runId, [...(jobs.get(runId) ?? []), obj.key]);
    }
  }
  const out: { status: RunStatus; pendingJob?: string }[] = [];
  for (const [runId, keys] of jobs) {
    const base = { runId, jobs: keys.length };
    const result = await readJsonIfExists<RunResult>(bucket, runResultKey(runId));
    if (!result) {
      const checkpoint = await readJsonIfExists<CheckpointState>(bucket, `${checkpointPrefix(runId)}state.json`);
      const latest = keys.sort().at(-1) as string;
      const dataParallel = latest.startsWith(ROUND_JOBS_PREFIX);
      const round = dataParallel ? await roundOf(bucket, latest) : undefined;
      const status: RunStatus = {
        ...base,
        // Round jobs exist only once a data-parallel run has started, readable or not.
        stage: checkpoint || dataParallel ? 'training' : 'planned',
        ...(checkpoint ? { step: checkpoint.position.step } : {}),
        ...(round ? { round } : {}),
      };
      out.push({ status, pendingJob: latest });
      continue;
    }
    const report = await readJsonIfExists<StoredReport>(bucket, reportKey(model, result.version, 'json'));
    const version = { version: result.version };
    if (!report) out.push({ status: { ...base, ...version, stage: 'evaluating' } });
    else if (!isEvaluated(report)) out.push({ status: { ...base, ...version, stage: 'not-evaluated', reason: report.reason } });
    else out.push({ status: { ...base, ...version, stage: report.promoted ? 'promoted' : 'evaluated', accuracy: report.metrics.accuracy, reason: report.reason } });
  }
  return out;
}

/** Which round a data-parallel run's latest job is in; undefined for a job that is gone or not a round job (status never fails on one). */
async function roundOf(bucket: Bucket, key: string): Promise<RunStatus['round']> {
  const job = await readRoundJob(bucket, key).catch(() => undefined);
  return job && Number.isInteger(job.plan.rounds) ? { current: job.round + 1, of: job.plan.rounds } : undefined;
}

async function production(bucket: Bucket, options: StatusFunctionOptions): Promise<string | null> {
  try {
    return (await new ModelStore(bucket, { prefix: options.modelsPrefix ?? 'models/' }).resolveAlias(options.modelName, options.alias ?? 'production')).version;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return null;
    throw err;
  }
}
