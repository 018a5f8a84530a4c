/**
 * Measure the preprocess step on the full data set: ingest every image as a
 * PNG into an in-memory bucket, then time `preprocessPrefix` per split, and
 * the decoders alone (pure-JS PNG fast path vs sharp for every image).
 *
 * Run: `npx tsx examples/fashion-mnist/data/bench-preprocess.ts [limit]`
 */
import { mapLimit } from 'polyfaas';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import { MemoryBucket } from 'polyfaas/memory';
import { decodeImage, preprocessPrefix } from 'polyfaas/pipelines';
import { ingest } from './ingest.js';
import { loadFashionMnist } from './source.js';

const INPUT = { width: 28, height: 28, channels: 1 } as const;
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

async function main(): Promise<void> {
  const limit = process.argv[2] ? Number(process.argv[2]) : undefined;
  const data = await loadFashionMnist();
  console.log(`data: ${data.location.origin} (${data.location.dir}); ${availableParallelism()} CPUs`);
  const bucket = new MemoryBucket('bench');

  let t = performance.now();
  const ingested = await ingest(bucket, data, limit ? { limit } : {});
  const total = (ingested.train?.count ?? 0) + (ingested.test?.count ?? 0);
  console.log(`ingest: ${total} PNGs in ${seconds(t)} s`);

  t = performance.now();
  for (const split of ['train', 'test'] as const) {
    const s = await preprocessPrefix(bucket, { dataset: 'fashion-mnist', split, input: INPUT });
    console.log(`preprocess ${split}: ${s.examples} examples, ${s.errors} errors, ${s.shards} shards in ${(s.ms / 1000).toFixed(1)} s`);
  }
  console.log(`preprocess total: ${total} images in ${seconds(t)} s`);

  const pngs: Uint8Array[] = [];
  for await (const info of bucket.list({ prefix: 'raw/' })) if (info.key.endsWith('.png')) pngs.push((await bucket.get(info.key)).body);
  t = performance.now();
  await mapLimit(pngs, 16, (png) => decodeImage(png, INPUT));
  console.log(`decode only, fast path: ${pngs.length} in ${seconds(t)} s`);
  const sample = pngs.slice(0, 10_000);
  t = performance.now();
  await mapLimit(sample, 16, (png) => sharp(png).toColourspace('b-w').raw().toBuffer());
  const perImage = (performance.now() - t) / sample.length;
  console.log(`decode only, sharp for every image: ${(perImage * 1000).toFixed(0)} µs/image → ${((perImage * pngs.length) / 1000).toFixed(1)} s for ${pngs.length}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
