import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { fixturePlaintext, V1_FIXTURE } from '../../test/fixtures/encryption/v1-fixture.js';
import { readAll } from '../storage/body.js';
import { encryptedBucket } from './encrypted-bucket.js';
import { localKey } from './local-key.js';

const fixture = (name: string) => new URL(`../../test/fixtures/encryption/${name}`, import.meta.url);
const sealed = readFileSync(fixture('v1-object.sealed'));
const described = JSON.parse(readFileSync(fixture('v1-object.json'), 'utf8')) as { metadata: Record<string, string>; plaintextSha256: string };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function storedFixture(body: Uint8Array = sealed) {
  const inner = new MemoryBucket('fixture');
  await inner.put(V1_FIXTURE.key, body, { metadata: described.metadata });
  return encryptedBucket(inner, localKey(V1_FIXTURE.kek, V1_FIXTURE.kekId), { boundName: V1_FIXTURE.boundName });
}

describe('format version 1 (an object written by the first release)', () => {
  it('is the plaintext the fixture describes', () => {
    expect(sha256(fixturePlaintext())).toBe(described.plaintextSha256);
  });

  it('decrypts whole and streamed to that plaintext', async () => {
    const bucket = await storedFixture();
    expect(sha256((await bucket.get(V1_FIXTURE.key)).body)).toBe(described.plaintextSha256);
    expect(sha256(await readAll((await bucket.getStream(V1_FIXTURE.key)).body))).toBe(described.plaintextSha256);
    expect((await bucket.head(V1_FIXTURE.key)).size).toBe(V1_FIXTURE.plaintextBytes);
  });

  it('still fails with DataLoss when one stored byte flips', async () => {
    const flipped = Buffer.from(sealed);
    flipped[65_600] = (flipped[65_600] as number) ^ 1;
    const bucket = await storedFixture(flipped);
    await expect(bucket.get(V1_FIXTURE.key)).rejects.toMatchObject({ code: 'DataLoss' });
  });
});
