import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../adapters/local/index.js';
import { FileBucket, serve } from '../../adapters/local/index.js';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import type { Bucket } from '../../src/index.js';
import { createStorageEvent } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';
import type { EvaluationReport } from '../shared/report.js';
import { EVALUATE_JOBS_PREFIX } from './evaluate-chunk-job.js';
import { reportKey } from './jobs.js';
import { chunkedEvaluation, evaluateApp, MODEL, seedEvaluation, TEST_IMAGES } from './test-support/evaluate-app.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** The report and its HTML without the time they were written, and where the alias points. */
async function outcome(bucket: Bucket, version: string) {
  const { evaluatedAt, ...report } = JSON.parse(text((await bucket.get(reportKey(MODEL, version, 'json'))).body)) as EvaluationReport;
  const html = text((await bucket.get(reportKey(MODEL, version, 'html'))).body).replace(evaluatedAt, '');
  return { report, html, production: (await new ModelStore(bucket).resolveAlias(MODEL, 'production')).version };
}

/** Evaluation chunk jobs run in `serve({ workers })` processes, in parallel, on a file bucket every process opens. */
describe('chunked evaluation on the local worker pool', () => {
  let dir: string;
  let copy: string;
  let seeded: Awaited<ReturnType<typeof seedEvaluation>>;
  let server: LocalServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-evaluate-chunks-'));
    copy = `${dir}-one`;
    seeded = await seedEvaluation(new FileBucket(dir), { production: 2, candidate: 1 });
    // The same objects for the one-invocation run.
    await cp(dir, copy, { recursive: true });
    server = await serve(chunkedEvaluation, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: resolve(import.meta.dirname, 'test-support/evaluate-app.ts'), export: 'chunkedEvaluation', count: 2 },
      console: false,
      stateDir: false,
      retryDelayMs: 5,
    });
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
    await rm(copy, { recursive: true, force: true });
  });

  it('writes the report and makes the promotion one invocation makes', async () => {
    const bucket = server.bucket('data');
    await bucket.put(seeded.manifestKey, (await bucket.get(seeded.manifestKey)).body, { contentType: 'application/json' });
    await server.idle();
    expect(server.deadLetters).toEqual([]);
    const jobs: string[] = [];
    for await (const info of bucket.list({ prefix: EVALUATE_JOBS_PREFIX })) jobs.push(info.key);
    expect(jobs).toHaveLength(Math.ceil(TEST_IMAGES / 64));
    const chunked = await outcome(bucket, seeded.version);

    const plain = new FileBucket(copy);
    const rt = await createMemoryRuntime(evaluateApp(undefined, { bucket: plain }));
    await rt.invoke('evaluate', createStorageEvent({ kind: 'created', bucket: 'data', key: seeded.manifestKey }));
    const one = await outcome(plain, seeded.version);
    expect(one.report).toMatchObject({ promoted: true, baseline: { version: seeded.production } });
    expect(chunked).toEqual(one);
  }, 120_000);
});
