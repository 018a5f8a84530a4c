import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalServer } from '../../adapters/local/index.js';
import { FileBucket, serve } from '../../adapters/local/index.js';
import { mapLimit } from '../../src/index.js';
import { encodeDatasetManifest } from './dataset-manifest.js';
import { labelDir } from './layout.js';
import { preprocessPrefix } from './preprocess-batch.js';
import { PREPROCESS_JOBS_PREFIX } from './preprocess-chunk-job.js';
import { CHUNK_SIZE, chunked, CLASSES, SETTINGS } from './test-support/chunk-app.js';
import { encodeFixture, readFixture } from './test-support/image-folder.js';

const IMAGES = 1000;
const MANIFEST = 'features/fashion/train/manifest.json';

/** Chunk jobs run in `serve({ workers })` processes, in parallel, on a file bucket every process opens. */
describe('chunked preprocessing on the local worker pool', () => {
  let dir: string;
  let server: LocalServer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-chunks-'));
    server = await serve(chunked, {
      buckets: { data: pathToFileURL(dir).href },
      workers: { module: resolve(import.meta.dirname, 'test-support/chunk-app.ts'), export: 'chunked', count: 2 },
      console: false,
      stateDir: false,
      retryDelayMs: 5,
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the manifest one invocation writes', async () => {
    const fixture = await readFixture('train');
    const bucket = server.bucket('data');
    await mapLimit(Array.from({ length: IMAGES }, (_, i) => i), 16, async (i) => {
      const label = fixture.labels[i]!;
      await bucket.put(`raw/fashion/train/${labelDir(label, CLASSES[label]!)}/${String(i).padStart(5, '0')}.png`, await encodeFixture(fixture, i));
    });
    await bucket.put('raw/fashion/train/_dataset.json', encodeDatasetManifest({ dataset: 'fashion', split: 'train', count: IMAGES, classes: CLASSES }));
    await server.idle();
    expect(server.deadLetters).toEqual([]);
    const jobs: string[] = [];
    for await (const info of bucket.list({ prefix: PREPROCESS_JOBS_PREFIX })) jobs.push(info.key);
    expect(jobs).toHaveLength(Math.ceil(IMAGES / CHUNK_SIZE));
    const chunkedManifest = new TextDecoder().decode((await bucket.get(MANIFEST)).body);

    // The one-invocation run over the same objects (same etags, same run id), outside the server so nothing fires.
    const plain = new FileBucket(dir);
    await plain.delete(MANIFEST);
    const one = await preprocessPrefix(plain, { ...SETTINGS, dataset: 'fashion', split: 'train', progress: false });
    expect(one).toMatchObject({ upToDate: false, examples: IMAGES, shardsWritten: 0 });
    expect(new TextDecoder().decode((await plain.get(MANIFEST)).body)).toBe(chunkedManifest);
  }, 120_000);
});
