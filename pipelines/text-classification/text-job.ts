import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ResolvedTextTrainingConfig } from './text-training-config.js';

/** One unit of text training work; a run that outlives an invocation continues as job `seq + 1`. */
export interface TextTrainJob {
  format: 'polyfaas.text-train-job/v1';
  runId: string;
  seq: number;
  dataset: string;
  modelName: string;
  /** Features manifests of the two splits. */
  train: string;
  test: string;
  config: ResolvedTextTrainingConfig;
}

/** Read and check a job. @throws `InvalidArgument` for anything else. */
export async function readTextJob(bucket: Bucket, key: string): Promise<TextTrainJob> {
  let job: Partial<TextTrainJob>;
  try {
    job = JSON.parse(new TextDecoder().decode((await bucket.get(key)).body)) as Partial<TextTrainJob>;
  } catch (err) {
    if (err instanceof PolyfaasError) throw err;
    throw new PolyfaasError('InvalidArgument', `${key} is not JSON`, { cause: err });
  }
  if (job.format !== 'polyfaas.text-train-job/v1' || typeof job.runId !== 'string' || typeof job.seq !== 'number' || !job.train || !job.test || !job.config) {
    throw new PolyfaasError('InvalidArgument', `${key} is not a polyfaas.text-train-job/v1 object`);
  }
  return job as TextTrainJob;
}
