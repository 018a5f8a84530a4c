/**
 * S3Bucket vs raw `@aws-sdk/client-s3` calls (PutObject / GetObject + reading
 * the body) against s3rver (the test suite's local S3, behind its
 * conditional-write proxy), for 1 KiB and 8 MiB objects. Same client, same
 * endpoint; raw and polyfaas calls alternate one by one; medians of ms/op.
 *
 * Usage: npx tsx bench/s3-bucket.ts [--quick]
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { S3Bucket } from '../adapters/aws/s3/s3-bucket.js';
import { startLocalS3 } from '../test/aws/s3-server.js';
import { runStandalone } from './support/standalone.js';
import { compareStorage } from './support/storage-compare.js';
import type { BenchOptions, BenchRow } from './support/types.js';

const BUCKET = 'polyfaas-bench';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const s3 = await startLocalS3();
  try {
    await s3.createBucket(BUCKET);
    const bucket = new S3Bucket(`s3://${BUCKET}/`, { client: s3.client });
    const type = 'application/octet-stream';
    const ops = {
      rawPut: (key: string, body: Uint8Array) => s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: type })),
      rawGet: async (key: string) => {
        const res = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        return (await res.Body?.transformToByteArray())?.byteLength ?? 0;
      },
      ourPut: (key: string, body: Uint8Array) => bucket.put(key, body, { contentType: type }),
      ourGet: async (key: string) => (await bucket.get(key)).body.byteLength,
    };
    const note = "s3rver behind the test suite's conditional-write proxy, same client";
    return [
      ...(await compareStorage('S3Bucket (vs raw client-s3)', '1 KiB', 1024, opts.quick ? 40 : 200, ops, note)),
      ...(await compareStorage('S3Bucket (vs raw client-s3)', '8 MiB', 8 * 2 ** 20, opts.quick ? 4 : 25, ops, note)),
    ];
  } finally {
    await s3.close();
  }
}

await runStandalone(import.meta.url, run);
