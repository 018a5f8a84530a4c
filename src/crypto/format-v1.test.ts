import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket } from '../../adapters/memory/index.js';
import type { Bucket } from '../storage/types.js';
import { fixturePlaintext, V1_FIXTURE } from '../../test/fixtures/encryption/v1-fixture.js';
import { readAll } from '../storage/body.js';
import { encryptedBucket } from './encrypted-bucket.js';
import { localKey } from './local-key.js';

const fixture = (name: string) => new URL(`../../test/fixtures/encryption/${name}`, import.meta.url);
const sealed = readFileSync(fixture('v1-object.sealed'));
const described = JSON.parse(readFileSync(fixture('v1-object.json'), 'utf8')) as { metadata: Record<string, string>; plaintextSha256: string };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Stored where reads are one copy in memory, and in files. */
const stores: [string, () => Promise<Bucket>][] = [
  ['memory', async () => new MemoryBucket('fixture')],
  ['file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-v1-'));
    dirs.push(dir);
    return new FileBucket(dir, { durable: false });
  }],
];

async function storedFixture(body: Uint8Array = sealed, store: () => Promise<Bucket> = stores[0]![1]) {
  const inner = await store();
  await inner.put(V1_FIXTURE.key, body, { metadata: described.metadata });
  return encryptedBucket(inner, localKey(V1_FIXTURE.kek, V1_FIXTURE.kekId), { boundName: V1_FIXTURE.boundName });
}

describe('format version 1 (an object written by the first release)', () => {
  it('is the plaintext the fixture describes', () => {
    expect(sha256(fixturePlaintext())).toBe(described.plaintextSha256);
  });

  it.each(stores)('decrypts whole and streamed to that plaintext over %s', async (_name, store) => {
    const bucket = await storedFixture(sealed, store);
    expect(sha256((await bucket.get(V1_FIXTURE.key)).body)).toBe(described.plaintextSha256);
    expect(sha256(await readAll((await bucket.getStream(V1_FIXTURE.key)).body))).toBe(described.plaintextSha256);
    expect((await bucket.head(V1_FIXTURE.key)).size).toBe(V1_FIXTURE.plaintextBytes);
  });

  it.each(stores)('still fails with DataLoss when one stored byte flips over %s', async (_name, store) => {
    const flipped = Buffer.from(sealed);
    flipped[65_600] = (flipped[65_600] as number) ^ 1;
    const bucket = await storedFixture(flipped, store);
    await expect(bucket.get(V1_FIXTURE.key)).rejects.toMatchObject({ code: 'DataLoss' });
  });
});
