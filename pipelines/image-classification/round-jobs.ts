import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { RoundPlan } from '../shared/round-shards.js';
import { planRounds } from '../shared/round-shards.js';
import type { RoundKeys } from '../shared/training-rounds.js';
import type { TrainJob } from './jobs.js';
import { RUNS_PREFIX } from './jobs.js';
import type { JobFileKind } from '../shared/job-file.js';
import { readJobFile } from '../shared/job-file.js';

/** Round jobs of data-parallel runs live here; writing one triggers the train-shard function. */
export const ROUND_JOBS_PREFIX = 'jobs/train-round/';
/** Workers' done markers live here; writing one triggers the train-reduce function. */
export const ROUND_DONE_PREFIX = 'jobs/train-reduce/';

/** Format tag of {@link RoundJob}. */
export const ROUND_JOB_FORMAT = 'polyfaas.train-round/v1';

/** One worker's share of one round of a data-parallel run (`run.config.workers` > 1). */
export interface RoundJob {
  readonly format: typeof ROUND_JOB_FORMAT;
  /** The run, as the single-invocation path's job 0 describes it. */
  readonly run: TrainJob;
  /** How the run is cut into rounds, fixed when it was planned. */
  readonly plan: RoundPlan;
  readonly round: number;
  readonly worker: number;
  /** 0, or n when the worker continues itself for the n-th time after running out of time. */
  readonly seq: number;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** The bucket layout of a run's rounds. */
export function roundKeys(runId: string): RoundKeys {
  const round = (r: number) => `round-${pad(r, 5)}`;
  const worker = (w: number) => `worker-${pad(w, 4)}`;
  return {
    jobKey: (r, w, seq) => `${ROUND_JOBS_PREFIX}${runId}/${round(r)}/${worker(w)}-${pad(seq, 4)}.json`,
    donePrefix: (r) => `${ROUND_DONE_PREFIX}${runId}/${round(r)}/`,
    doneKey: (r, w) => `${ROUND_DONE_PREFIX}${runId}/${round(r)}/${worker(w)}.json`,
    modelPrefix: (r) => `${RUNS_PREFIX}${runId}/rounds/${round(r)}/model/`,
    workerPrefix: (r, w) => `${RUNS_PREFIX}${runId}/rounds/${round(r)}/${worker(w)}/`,
    claimKey: (r) => `${RUNS_PREFIX}${runId}/rounds/${round(r)}/reducer-claim.json`,
    currentRunKey: `${RUNS_PREFIX}${runId}/rounds/never-superseded.json`,
  };
}

/** Prefixes holding a run's round objects, for clearing them when the run has its model. */
export function roundPrefixes(runId: string): string[] {
  return [`${RUNS_PREFIX}${runId}/rounds/`, `${ROUND_DONE_PREFIX}${runId}/`];
}

/** How a planned run with `count` training examples over `epochs` is cut into rounds. */
export function runRoundPlan(job: TrainJob, count: number, epochs: number): RoundPlan {
  const { workers, roundSteps, batchSize } = job.config;
  if (workers === undefined || roundSteps === undefined) throw new PolyfaasError('InvalidArgument', `run ${job.runId} is not data-parallel`);
  return planRounds({ count, workers, epochs, batchSize, roundSteps });
}

/** The JSON of worker `worker`'s job `seq` for `round`. */
export function roundJobBody(run: TrainJob, plan: RoundPlan, round: number, worker: number, seq = 0): string {
  const job: RoundJob = { format: ROUND_JOB_FORMAT, run, plan, round, worker, seq };
  return JSON.stringify(job);
}

/** Round jobs as {@link readJobFile} checks them. */
const ROUND_JOB_KIND: JobFileKind<RoundJob> = {
  format: ROUND_JOB_FORMAT,
  isJob: (job) =>
    Number.isInteger(job.round) &&
    Number.isInteger(job.worker) &&
    Number.isInteger(job.seq) &&
    typeof job.plan === 'object' &&
    job.plan !== null &&
    typeof job.run?.runId === 'string' &&
    typeof job.run.config === 'object' &&
    job.run.config !== null,
  keyOf: (job) => roundKeys(job.run.runId).jobKey(job.round, job.worker, job.seq),
};

/** Read and check a round job. @throws `InvalidArgument` for anything that is not one where it is. */
export function readRoundJob(bucket: Bucket, key: string): Promise<RoundJob | undefined> {
  return readJobFile(bucket, key, ROUND_JOB_KIND);
}

/** The run, round and worker a done marker's key names, or undefined for any other key. */
export function parseDoneKey(key: string): { runId: string; round: number; worker: number } | undefined {
  const match = /^([^/]+)\/round-(\d{5})\/worker-(\d{4})\.json$/.exec(key.startsWith(ROUND_DONE_PREFIX) ? key.slice(ROUND_DONE_PREFIX.length) : '');
  return match ? { runId: match[1] as string, round: Number(match[2]), worker: Number(match[3]) } : undefined;
}
