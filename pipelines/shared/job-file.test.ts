import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { JobFileKind } from './job-file.js';
import { readJobFile } from './job-file.js';

interface Job {
  format: 'test.job/v1';
  run: string;
  index: number;
}

const kind: JobFileKind<Job> = {
  format: 'test.job/v1',
  isJob: (job) => typeof job.run === 'string' && Number.isInteger(job.index),
  keyOf: (job) => `jobs/${job.run}/${job.index}.json`,
};

describe('readJobFile', () => {
  const bucket = new MemoryBucket('memory://jobs');

  it('returns a job found where its fields say it belongs, and undefined for a missing file', async () => {
    await bucket.put('jobs/r1/0.json', JSON.stringify({ format: 'test.job/v1', run: 'r1', index: 0 }));
    expect(await readJobFile(bucket, 'jobs/r1/0.json', kind)).toEqual({ format: 'test.job/v1', run: 'r1', index: 0 });
    expect(await readJobFile(bucket, 'jobs/r1/1.json', kind)).toBeUndefined();
  });

  it.each([
    ['not json', 'jobs/r1/2.json is not JSON'],
    ['null', 'jobs/r1/2.json is not a test.job/v1 object'],
    ['[1]', 'jobs/r1/2.json is not a test.job/v1 object'],
    [JSON.stringify({ format: 'other/v1', run: 'r1', index: 2 }), 'jobs/r1/2.json is not a test.job/v1 object'],
    [JSON.stringify({ format: 'test.job/v1', run: 'r1', index: '2' }), 'jobs/r1/2.json is not a test.job/v1 object'],
    [JSON.stringify({ format: 'test.job/v1', run: 'r2', index: 2 }), 'jobs/r1/2.json holds a test.job/v1 job written for another key'],
  ])('refuses %s with InvalidArgument', async (body, message) => {
    await bucket.put('jobs/r1/2.json', body);
    await expect(readJobFile(bucket, 'jobs/r1/2.json', kind)).rejects.toMatchObject({ code: 'InvalidArgument', message });
  });
});
