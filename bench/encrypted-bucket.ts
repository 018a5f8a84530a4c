/**
 * Envelope encryption at rest: what encryptedBucket costs over the same bucket
 * without it, measured in the same run, over three kinds of storage:
 *   - a page-cache file bucket: FileBucket, non-durable, in the temp directory
 *     (plain gets are page-cache reads, so the cipher is most of the cost);
 *   - S3Bucket on s3rver (the test suite's local S3, behind its
 *     conditional-write proxy);
 *   - AzureBlobBucket on Azurite (in-memory), where users deploy encryption.
 * Every backend uses the same local key-encryption key, so no KMS round trip
 * in either column; the emulators run on this machine and share its cores.
 *
 * 1. put and get of 1 KiB and 8 MiB objects, encrypted vs plain, as ms per op
 *    (the median op over 30 short rounds, each running both modes back to
 *    back in alternating order; one op in flight; 100 ops per round for 1 KiB
 *    on the file bucket, 20 on the emulators, 2 for 8 MiB). The median op, as
 *    the key-value rows use p50: a round's mean is decided by the few ops that
 *    stall for a collection or the emulator's own work on the shared cores. Target: <= 1.3x. For
 *    8 MiB a "floor" row adds to the plain time the AES-256-GCM work alone
 *    (node:crypto over the same bytes in 64 KiB segments, no I/O, measured in
 *    the same rounds): the lowest ratio of serial work on this Node. Gets over
 *    the emulators open segments during the transfer and can go below it.
 * 2. RSS rise streaming a 1 GiB object (quick: 256 MiB) through the encrypted
 *    bucket (put(stream) then getStream()), against raw fs streams. Target:
 *    the encrypted stream raises RSS by at most 64 MB.
 *
 * Usage: npx tsx bench/encrypted-bucket.ts [--quick]
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { S3Bucket } from '../adapters/aws/s3/s3-bucket.js';
import { AzureBlobBucket } from '../adapters/azure/blob-bucket.js';
import { FileBucket } from '../adapters/local/index.js';
import type { Bucket, KeyEncryptionKey } from '../src/index.js';
import { encryptedBucket, generateLocalKey, localKey } from '../src/index.js';
import { SEGMENT_BYTES } from '../src/crypto/segments.js';
import { startLocalS3 } from '../test/aws/s3-server.js';
import { startAzurite } from '../test/azure/azurite.js';
import { lastJsonLine, runChild, TSX_ARGS } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { median, round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { limitRow, ratioRow } from './support/types.js';

interface Case {
  label: string;
  size: number;
  /** Sequential ops per mode per round. */
  ops: number;
  rounds: number;
}

type Samples = Record<'plain' | 'encrypted', { put: number[]; get: number[] }> & { gcmSeal: number[]; gcmOpen: number[] };

/** ms of each of `ops` sequential calls. */
async function perOp(ops: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < ops; i++) {
    const started = performance.now();
    await fn(i);
    times.push(performance.now() - started);
  }
  return times;
}

/**
 * The AES-256-GCM work alone, as node:crypto does it for one object of
 * `plaintext.byteLength` bytes in 64 KiB segments: no I/O, no copies, no
 * key handling. Whatever the wrapper does, it cannot cost less than this.
 */
function gcmAlone(plaintext: Uint8Array): { sealMs: number; openMs: number } {
  const key = randomBytes(32);
  const nonce = (i: number) => Buffer.concat([Buffer.alloc(8), Buffer.of(i >>> 24, i >>> 16, i >>> 8, i)]);
  const sealed: { body: Buffer; tag: Buffer }[] = [];
  let started = performance.now();
  for (let at = 0, i = 0; at < plaintext.byteLength; at += SEGMENT_BYTES, i++) {
    const cipher = createCipheriv('aes-256-gcm', key, nonce(i));
    const body = cipher.update(plaintext.subarray(at, at + SEGMENT_BYTES));
    cipher.final();
    sealed.push({ body, tag: cipher.getAuthTag() });
  }
  const sealMs = performance.now() - started;
  started = performance.now();
  sealed.forEach(({ body, tag }, i) => {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce(i));
    decipher.setAuthTag(tag);
    decipher.update(body);
    decipher.final();
  });
  return { sealMs, openMs: performance.now() - started };
}

/** A plain bucket and an encrypted one over the same storage, and how to tear the storage down. */
interface Pair {
  plain: Bucket;
  encrypted: Bucket;
  close(): Promise<void>;
}

/** Where the objects live: the page-cache file bucket, or a cloud driver on its local emulator. */
interface Backend {
  /** Names the storage in row labels. */
  over: string;
  /** The plain baseline, for row labels. */
  plainName: string;
  note: string;
  /** Sequential ops per mode per round: enough to lift a round above timer noise, few enough for short rounds. */
  ops: { small: number; large: number };
  open(kek: KeyEncryptionKey): Promise<Pair>;
}

const BACKENDS: Backend[] = [
  {
    over: 'a page-cache file bucket',
    plainName: 'FileBucket',
    note: 'non-durable FileBucket in the temp dir (reads come from the page cache)',
    ops: { small: 100, large: 2 },
    async open(kek) {
      const dir = await mkdtemp(join(tmpdir(), 'polyfaas-bench-enc-'));
      return {
        plain: new FileBucket(join(dir, 'plain'), { durable: false }),
        encrypted: encryptedBucket(new FileBucket(join(dir, 'encrypted'), { durable: false }), kek),
        close: () => rm(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    over: 'S3Bucket on s3rver',
    plainName: 'S3Bucket',
    note: "s3rver behind the test suite's conditional-write proxy, one client, plain/ and encrypted/ prefixes of one bucket",
    ops: { small: 20, large: 2 },
    async open(kek) {
      const s3 = await startLocalS3();
      try {
        await s3.createBucket('polyfaas-bench-enc');
        return {
          plain: new S3Bucket('s3://polyfaas-bench-enc/plain/', { client: s3.client }),
          encrypted: encryptedBucket(new S3Bucket('s3://polyfaas-bench-enc/encrypted/', { client: s3.client }), kek),
          close: () => s3.close(),
        };
      } catch (err) {
        await s3.close();
        throw err;
      }
    },
  },
  {
    over: 'AzureBlobBucket on Azurite',
    plainName: 'AzureBlobBucket',
    note: 'Azurite (in-memory), one service client, plain/ and encrypted/ prefixes of one container',
    ops: { small: 20, large: 2 },
    async open(kek) {
      const azurite = await startAzurite();
      try {
        const container = await azurite.container('bench-enc');
        return {
          plain: new AzureBlobBucket({ container, prefix: 'plain/', serviceClient: azurite.service }),
          encrypted: encryptedBucket(new AzureBlobBucket({ container, prefix: 'encrypted/', serviceClient: azurite.service }), kek),
          close: () => azurite.stop(),
        };
      } catch (err) {
        await azurite.stop();
        throw err;
      }
    },
  },
];

/**
 * Many short rounds, each running both modes back to back in alternating
 * order: the machine's load changes over seconds, and short interleaved rounds
 * let both modes see the same conditions. The median of every op of every round.
 */
async function measure(c: Case, buckets: Pair): Promise<Samples> {
  const bodies = Array.from({ length: Math.min(c.ops, 16) }, () => new Uint8Array(randomBytes(c.size)));
  const samples: Samples = { plain: { put: [], get: [] }, encrypted: { put: [], get: [] }, gcmSeal: [], gcmOpen: [] };
  // Two warm-up rounds, then the measured ones.
  for (let r = -2; r < c.rounds; r++) {
    for (const mode of r % 2 === 0 ? (['plain', 'encrypted'] as const) : (['encrypted', 'plain'] as const)) {
      const bucket = buckets[mode];
      const put = await perOp(c.ops, (i) => bucket.put(`k/${c.label}/${i}`, bodies[i % bodies.length] as Uint8Array));
      const get = await perOp(c.ops, async (i) => {
        if ((await bucket.get(`k/${c.label}/${i}`)).body.byteLength !== c.size) throw new Error('short read');
      });
      if (r >= 0) {
        samples[mode].put.push(...put);
        samples[mode].get.push(...get);
      }
    }
    const gcm = gcmAlone(bodies[0] as Uint8Array);
    if (r >= 0) {
      samples.gcmSeal.push(gcm.sealMs);
      samples.gcmOpen.push(gcm.openMs);
    }
  }
  return samples;
}

/** The encrypted-vs-plain rows, and the floor rows for 8 MiB, for one backend. */
async function backendRows(backend: Backend, kek: KeyEncryptionKey, quick: boolean): Promise<BenchRow[]> {
  const rounds = quick ? 8 : 30;
  const cases: Case[] = [
    { label: '1 KiB', size: 1024, ops: backend.ops.small, rounds },
    { label: '8 MiB', size: 8 * 2 ** 20, ops: backend.ops.large, rounds },
  ];
  const rows: BenchRow[] = [];
  const buckets = await backend.open(kek);
  try {
    for (const c of cases) {
      const m = await measure(c, buckets);
      for (const op of ['put', 'get'] as const) {
        const plain = median(m.plain[op]);
        rows.push(
          ratioRow({
            metric: `encrypted ${op} ${c.label} over ${backend.over} (vs same ${backend.plainName} plain)`,
            baseline: round(plain, 4),
            polyfaas: round(median(m.encrypted[op]), 4),
            unit: 'ms/op',
            ratio: 'polyfaas/baseline',
            target: ['<=', 1.3],
            note: `median op of ${c.rounds} interleaved rounds of ${c.ops} sequential ops each; ${backend.note}; local key (no KMS latency)`,
          }),
        );
        if (c.size >= SEGMENT_BYTES) {
          // The plain op plus the AES-GCM work alone: the floor of serial work (streamed gets overlap it with the transfer).
          rows.push(
            ratioRow({
              metric: `floor for encrypted ${op} ${c.label} over ${backend.over}: plain + AES-256-GCM ${op === 'put' ? 'seal' : 'open'} alone`,
              baseline: round(plain, 4),
              polyfaas: round(plain + median(op === 'put' ? m.gcmSeal : m.gcmOpen), 4),
              unit: 'ms/op',
              ratio: 'polyfaas/baseline',
              note: `node:crypto ${process.versions.openssl}, 64 KiB segments, no I/O or copies, median of the same ${c.rounds} rounds`,
            }),
          );
        }
      }
    }
  } finally {
    await buckets.close();
  }
  return rows;
}

async function streamRise(mode: 'encrypted' | 'raw', bytes: number): Promise<{ rssRiseMb: number; seconds: number }> {
  const result = await runChild(process.execPath, [...TSX_ARGS, resolve('bench/children/stream-rss.ts'), mode, String(bytes)], { env: process.env });
  return lastJsonLine<{ rssRiseMb: number; seconds: number }>(result, `stream-rss ${mode}`);
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  // One local key-encryption key for every backend: no KMS round trip in any column.
  const kek = localKey(generateLocalKey());
  const rows: BenchRow[] = [];
  for (const backend of BACKENDS) rows.push(...(await backendRows(backend, kek, opts.quick)));
  const bytes = (opts.quick ? 256 : 1024) * 2 ** 20;
  const raw = await streamRise('raw', bytes);
  const encrypted = await streamRise('encrypted', bytes);
  rows.push(
    limitRow({
      metric: `RSS rise streaming ${bytes / 2 ** 20} MiB through encryptedBucket(FileBucket) (vs raw fs streams)`,
      baseline: round(raw.rssRiseMb, 1),
      polyfaas: round(encrypted.rssRiseMb, 1),
      unit: 'MB',
      limit: 64,
      note: `peak RSS sampled every 10 ms minus RSS before; put(stream) then getStream(); ${round(encrypted.seconds, 1)} s encrypted, ${round(raw.seconds, 1)} s raw`,
    }),
  );
  return rows;
}

await runStandalone(import.meta.url, run);
