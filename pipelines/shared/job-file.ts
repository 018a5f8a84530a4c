import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { readJsonIfExists } from './read-json.js';

/** How to recognise one kind of job file. */
export interface JobFileKind<T> {
  /** The format tag every job of this kind carries. */
  readonly format: string;
  /** Every field the job's function reads is there, with its type. */
  isJob(job: Partial<T>): boolean;
  /** Where a job with these fields is written: a job found anywhere else is refused. */
  keyOf(job: T): string;
}

/**
 * Read a job file a planner wrote, treating it as hostile: anyone who can
 * write to a job prefix can trigger the job functions with anything. Checks
 * that it is JSON, carries the kind's format tag and shape, and sits at the
 * key its own fields name (a job copied or forged under another key would
 * otherwise act for another run, round, chunk or worker).
 *
 * @returns undefined when the file is gone.
 * @throws `InvalidArgument` for anything that is not such a job where it is.
 */
export async function readJobFile<T>(bucket: Bucket, key: string, kind: JobFileKind<T>): Promise<T | undefined> {
  const job = await readJsonIfExists<Partial<T> & { format?: unknown }>(bucket, key).catch((err: unknown) => {
    if (err instanceof SyntaxError) throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
    throw err;
  });
  if (job === undefined) return undefined;
  if (typeof job !== 'object' || job === null || job.format !== kind.format || !kind.isJob(job)) {
    throw new PolyfaasError('InvalidArgument', `${key} is not a ${kind.format} object`);
  }
  if (kind.keyOf(job as T) !== key) throw new PolyfaasError('InvalidArgument', `${key} holds a ${kind.format} job written for another key`);
  return job as T;
}
