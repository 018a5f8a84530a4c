import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { PolyfaasError } from '../errors.js';
import { readAll } from '../storage/body.js';
import type { Bucket, FillingReader } from '../storage/types.js';
import { ENVELOPE_METADATA_KEY, encryptedBucket, rewrap } from './encrypted-bucket.js';
import { decodeHeader, encodeHeader, FIXED_HEADER_BYTES } from './envelope-header.js';
import type { KeyEncryptionKey } from './key-encryption-key.js';
import { keyring } from './key-encryption-key.js';
import { generateLocalKey, localKey } from './local-key.js';
import { SEALED_SEGMENT_BYTES, sealedSize, SEGMENT_BYTES, TAG_BYTES } from './segments.js';

/** A key-encryption key that counts its calls (what a KMS bill and audit log would show). */
function counting(kek: KeyEncryptionKey): KeyEncryptionKey & { wraps: number; unwraps: number } {
  const counted = {
    id: kek.id,
    wraps: 0,
    unwraps: 0,
    wrap: (dataKey: Uint8Array, context: Readonly<Record<string, string>>) => (counted.wraps++, kek.wrap(dataKey, context)),
    unwrap: (wrapped: Uint8Array, context: Readonly<Record<string, string>>) => (counted.unwraps++, kek.unwrap(wrapped, context)),
  };
  return counted;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(PolyfaasError);
    return (err as PolyfaasError).code;
  }
  return 'resolved';
}

/** Read a whole stream; resolves to the bytes or rejects with the stream's error. */
async function drain(bucket: Bucket, key: string): Promise<Uint8Array> {
  return readAll((await bucket.getStream(key)).body);
}

/** Replace the stored bytes (and optionally metadata) of an object behind the wrapper's back. */
async function tamper(inner: Bucket, key: string, edit: (body: Buffer) => Buffer, metadata?: (m: Record<string, string>) => Record<string, string>): Promise<void> {
  const stored = await inner.get(key);
  await inner.put(key, edit(Buffer.from(stored.body)), { metadata: (metadata ?? ((m) => m))({ ...stored.metadata }) });
}

const kek = localKey(generateLocalKey(), 'test-key');
// Three full segments and a partial fourth.
const plaintext = randomBytes(3 * SEGMENT_BYTES + 1234);

async function setup() {
  const inner = new MemoryBucket('tamper');
  const bucket = encryptedBucket(inner, kek);
  await bucket.put('obj', plaintext);
  return { inner, bucket };
}

describe('encryptedBucket stores ciphertext', () => {
  it('keeps no plaintext in the backing bucket and reports the plaintext size everywhere', async () => {
    const { inner, bucket } = await setup();
    const stored = await inner.get('obj');
    expect(stored.body.byteLength).toBe(plaintext.byteLength + 4 * TAG_BYTES);
    expect(Buffer.from(stored.body).includes(plaintext.subarray(0, 64))).toBe(false);
    expect((await bucket.head('obj')).size).toBe(plaintext.byteLength);
    expect((await bucket.listPage()).objects[0]?.size).toBe(plaintext.byteLength);
    expect(Buffer.from((await bucket.get('obj')).body).equals(plaintext)).toBe(true);
    expect(Buffer.from(await drain(bucket, 'obj')).equals(plaintext)).toBe(true);
    expect((await bucket.head('obj')).metadata).toEqual({});
  });

  it('has a small per-object overhead: a 27-byte fixed header plus key id and wrapped key, and 16 bytes per 64 KiB', async () => {
    const { inner } = await setup();
    const header = Buffer.from((await inner.head('obj')).metadata[ENVELOPE_METADATA_KEY] as string, 'base64url');
    const parsed = decodeHeader(header);
    expect(parsed.keyId).toBe('test-key');
    expect(parsed.wrappedKey.byteLength).toBe(60); // local key: IV 12 + key 32 + tag 16
    expect(header.byteLength).toBe(FIXED_HEADER_BYTES + 'test-key'.length + 60);
    expect(FIXED_HEADER_BYTES).toBeLessThan(200);
    expect(sealedSize(0)).toBe(16);
    expect(sealedSize(1024)).toBe(1024 + 16);
    expect(sealedSize(8 * 2 ** 20)).toBe(8 * 2 ** 20 + 128 * 16);
  });

  it('refuses to let callers set the header metadata', async () => {
    const bucket = encryptedBucket(new MemoryBucket(), kek);
    expect(await codeOf(bucket.put('k', 'x', { metadata: { [ENVELOPE_METADATA_KEY]: 'forged' } }))).toBe('InvalidArgument');
  });
});

describe('encryptedBucket detects tampering with DataLoss (get and getStream)', () => {
  const cases: [string, (b: Buffer) => Buffer][] = [
    ['a flipped byte in the first segment', (b) => (b.writeUInt8(b.readUInt8(10) ^ 1, 10), b)],
    ['a flipped byte in a tag', (b) => (b.writeUInt8(b.readUInt8(SEGMENT_BYTES + 3) ^ 0x80, SEGMENT_BYTES + 3), b)],
    ['a flipped byte in the last segment', (b) => (b.writeUInt8(b.readUInt8(b.byteLength - 20) ^ 4, b.byteLength - 20), b)],
    ['truncation at a segment boundary (last segment dropped)', (b) => b.subarray(0, 3 * SEALED_SEGMENT_BYTES)],
    ['truncation inside a segment', (b) => b.subarray(0, b.byteLength - 100)],
    ['truncation inside the last tag', (b) => b.subarray(0, 3 * SEALED_SEGMENT_BYTES + 5)],
    ['a dropped middle segment', (b) => Buffer.concat([b.subarray(0, SEALED_SEGMENT_BYTES), b.subarray(2 * SEALED_SEGMENT_BYTES)])],
    ['two segments swapped', (b) => Buffer.concat([b.subarray(SEALED_SEGMENT_BYTES, 2 * SEALED_SEGMENT_BYTES), b.subarray(0, SEALED_SEGMENT_BYTES), b.subarray(2 * SEALED_SEGMENT_BYTES)])],
    ['a segment repeated', (b) => Buffer.concat([b.subarray(0, SEALED_SEGMENT_BYTES), b])],
    ['bytes appended', (b) => Buffer.concat([b, Buffer.alloc(40)])],
    ['an empty body', () => Buffer.alloc(0)],
  ];
  for (const [what, edit] of cases) {
    it(what, async () => {
      const { inner, bucket } = await setup();
      await tamper(inner, 'obj', edit);
      expect(await codeOf(bucket.get('obj'))).toBe('DataLoss');
      // A stream either refuses to open (impossible size) or errors before it ends.
      expect(await codeOf(drain(bucket, 'obj'))).toBe('DataLoss');
    });
  }

  it('a body from another object of the same key and data key does not pass (segments tied to their salt)', async () => {
    const { inner, bucket } = await setup();
    const first = await inner.get('obj');
    await bucket.put('obj', plaintext);
    // Old body with the new header: same key, same data key size, different salt and nonce prefix.
    await inner.put('obj', first.body, { metadata: (await inner.head('obj')).metadata });
    expect(await codeOf(bucket.get('obj'))).toBe('DataLoss');
  });

  it('an altered header: salt, nonce prefix, wrapped key, version; a missing header', async () => {
    const edits: ((h: Buffer) => Buffer)[] = [
      (h) => (h.writeUInt8(h.readUInt8(1) ^ 1, 1), h),
      (h) => (h.writeUInt8(h.readUInt8(17) ^ 1, 17), h),
      (h) => (h.writeUInt8(h.readUInt8(h.byteLength - 1) ^ 1, h.byteLength - 1), h),
      (h) => (h.writeUInt8(2, 0), h),
    ];
    for (const edit of edits) {
      const { inner, bucket } = await setup();
      await tamper(inner, 'obj', (b) => b, (m) => ({ ...m, [ENVELOPE_METADATA_KEY]: edit(Buffer.from(m[ENVELOPE_METADATA_KEY] as string, 'base64url')).toString('base64url') }));
      expect(await codeOf(bucket.get('obj'))).toBe('DataLoss');
      expect(await codeOf(drain(bucket, 'obj'))).toBe('DataLoss');
    }
    const { inner, bucket } = await setup();
    await tamper(inner, 'obj', (b) => b, () => ({}));
    expect(await codeOf(bucket.get('obj'))).toBe('DataLoss');
    expect(await codeOf(bucket.head('obj'))).toBe('DataLoss');
  });

  it('a damaged stream still yields the segments before the damage, then errors (never a clean end)', async () => {
    const { inner, bucket } = await setup();
    await tamper(inner, 'obj', (b) => (b.writeUInt8(b.readUInt8(2 * SEALED_SEGMENT_BYTES + 9) ^ 1, 2 * SEALED_SEGMENT_BYTES + 9), b));
    const stream = (await bucket.getStream('obj')).body;
    let got = 0;
    let error: unknown;
    try {
      for await (const chunk of stream) got += (chunk as Buffer).byteLength;
    } catch (err) {
      error = err;
    }
    expect(got).toBeLessThanOrEqual(2 * SEGMENT_BYTES);
    expect((error as PolyfaasError).code).toBe('DataLoss');
  });
});

describe('encryptedBucket binds the bucket name and object key', () => {
  it('an object copied or renamed to another key does not decrypt', async () => {
    const { inner, bucket } = await setup();
    const stored = await inner.get('obj');
    await inner.put('renamed', stored.body, { metadata: stored.metadata });
    expect(await codeOf(bucket.get('renamed'))).toBe('DataLoss');
    expect(await codeOf(drain(bucket, 'renamed'))).toBe('DataLoss');
  });

  it('an object copied to another bucket (same key, same keyring) does not decrypt', async () => {
    const { inner } = await setup();
    const other = new MemoryBucket('other');
    const stored = await inner.get('obj');
    await other.put('obj', stored.body, { metadata: stored.metadata });
    expect(await codeOf(encryptedBucket(other, kek).get('obj'))).toBe('DataLoss');
    // ...unless the reader binds the original name on purpose (a moved bucket).
    const moved = encryptedBucket(other, kek, { boundName: inner.name });
    expect(Buffer.from((await moved.get('obj')).body).equals(plaintext)).toBe(true);
  });

  it('another key-encryption key cannot read, and says which key it needs', async () => {
    const { inner } = await setup();
    expect(await codeOf(encryptedBucket(inner, localKey(generateLocalKey())).get('obj'))).toBe('Forbidden');
    // Same id, different key material: the wrapped key does not unwrap.
    expect(await codeOf(encryptedBucket(inner, localKey(generateLocalKey(), 'test-key')).get('obj'))).toBe('DataLoss');
  });
});

describe('data keys: key-service calls and caching', () => {
  afterEach(() => void vi.useRealTimers());

  it('makes exactly one wrap call per write and one unwrap per read without caching', async () => {
    const kms = counting(kek);
    const bucket = encryptedBucket(new MemoryBucket(), kms);
    for (let i = 0; i < 4; i++) await bucket.put(`k${i}`, `v${i}`);
    await bucket.put('s', Readable.from([Buffer.from('streamed')]));
    expect(kms.wraps).toBe(5);
    for (let i = 0; i < 4; i++) await bucket.get(`k${i}`);
    await drain(bucket, 's');
    expect(kms.unwraps).toBe(5);
    // Head and list need no key at all.
    await bucket.head('k0');
    await bucket.listPage();
    expect(kms.unwraps).toBe(5);
  });

  it('with a cache, reuses a data key for at most maxUses objects and maxAgeMs, and unwraps each once', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const kms = counting(kek);
    const inner = new MemoryBucket();
    const bucket = encryptedBucket(inner, kms, { dataKeyCache: { maxAgeMs: 1000, maxUses: 3 } });
    for (let i = 0; i < 7; i++) await bucket.put(`k${i}`, `v${i}`);
    expect(kms.wraps).toBe(3); // 3 + 3 + 1
    vi.advanceTimersByTime(1001);
    await bucket.put('late', 'x');
    expect(kms.wraps).toBe(4);
    for (let i = 0; i < 3; i++) await bucket.get(`k${i}`);
    await bucket.get('k0');
    expect(kms.unwraps).toBe(1);
    // Objects sharing a data key still differ in salt and nonce prefix.
    const h0 = decodeHeader(Buffer.from((await inner.head('k0')).metadata[ENVELOPE_METADATA_KEY] as string, 'base64url'));
    const h1 = decodeHeader(Buffer.from((await inner.head('k1')).metadata[ENVELOPE_METADATA_KEY] as string, 'base64url'));
    expect(Buffer.from(h0.wrappedKey).equals(Buffer.from(h1.wrappedKey))).toBe(true);
    expect(Buffer.from(h0.salt).equals(Buffer.from(h1.salt))).toBe(false);
    expect(Buffer.from(h0.noncePrefix).equals(Buffer.from(h1.noncePrefix))).toBe(false);
  });

  it('refuses a cache without bounds', () => {
    expect(() => encryptedBucket(new MemoryBucket(), kek, { dataKeyCache: { maxAgeMs: Infinity, maxUses: 10 } })).toThrow(PolyfaasError);
    expect(() => encryptedBucket(new MemoryBucket(), kek, { dataKeyCache: { maxAgeMs: 10, maxUses: 0 } })).toThrow(PolyfaasError);
  });

  it('a failing key service fails the write and stores nothing', async () => {
    const broken: KeyEncryptionKey = { id: 'down', wrap: () => Promise.reject(new Error('service unavailable')), unwrap: () => Promise.reject(new Error('x')) };
    const inner = new MemoryBucket();
    const bucket = encryptedBucket(inner, broken);
    expect(await codeOf(bucket.put('k', Readable.from([Buffer.from('x')])))).toBe('Internal');
    expect(await inner.exists('k')).toBe(false);
  });
});

describe('rewrap (key rotation)', () => {
  it('re-wraps data keys under the new key without rewriting payloads; the old key is then no longer needed', async () => {
    const oldKey = counting(localKey(generateLocalKey(), 'kek-2025'));
    const newKey = counting(localKey(generateLocalKey(), 'kek-2026'));
    const inner = new MemoryBucket('rotating');
    const before = encryptedBucket(inner, oldKey);
    await before.put('models/a', plaintext, { contentType: 'application/x-model', metadata: { run: '7' } });
    await before.put('models/b', 'small');
    await before.put('other/c', 'not rewrapped');
    const payloadA = Buffer.from((await inner.get('models/a')).body);

    const rotating = encryptedBucket(inner, keyring(newKey, oldKey));
    expect(await rewrap(rotating, { prefix: 'models/' })).toEqual({ rewrapped: 2, unchanged: 0 });
    expect(oldKey.unwraps).toBe(2);
    expect(newKey.wraps).toBe(2);
    // Payload bytes untouched; header now names the new key; user metadata and content type kept.
    const after = await inner.get('models/a');
    expect(Buffer.from(after.body).equals(payloadA)).toBe(true);
    expect(decodeHeader(Buffer.from(after.metadata[ENVELOPE_METADATA_KEY] as string, 'base64url')).keyId).toBe('kek-2026');
    expect(after.contentType).toBe('application/x-model');
    expect(after.metadata.run).toBe('7');
    // A second pass has nothing to do.
    expect(await rewrap(rotating, { prefix: 'models/' })).toEqual({ rewrapped: 0, unchanged: 2 });

    const newOnly = encryptedBucket(inner, newKey);
    expect(Buffer.from((await newOnly.get('models/a')).body).equals(plaintext)).toBe(true);
    expect(new TextDecoder().decode((await newOnly.get('models/b')).body)).toBe('small');
    expect(await codeOf(newOnly.get('other/c'))).toBe('Forbidden');
    expect(await codeOf(encryptedBucket(inner, oldKey).get('models/a'))).toBe('Forbidden');
  });

  it('loses to a concurrent write (compare-and-swap on the etag)', async () => {
    const oldKey = localKey(generateLocalKey(), 'old');
    const newKey = localKey(generateLocalKey(), 'new');
    const inner = new MemoryBucket();
    await encryptedBucket(inner, oldKey).put('k', 'v1');
    const rotating = encryptedBucket(inner, keyring(newKey, oldKey));
    const realPut = inner.put.bind(inner);
    vi.spyOn(inner, 'put').mockImplementationOnce(async (key, body, options) => {
      await encryptedBucket(inner, oldKey).put('k', 'v2'); // lands between the read and the write
      return realPut(key, body, options);
    });
    expect(await codeOf(rotating.rewrapObject('k'))).toBe('PreconditionFailed');
    expect(new TextDecoder().decode((await rotating.get('k')).body)).toBe('v2');
  });
});

describe('envelope header format', () => {
  it('round-trips and rejects malformed bytes', () => {
    const header = { version: 1, salt: randomBytes(16), noncePrefix: randomBytes(7), keyId: 'k', wrappedKey: randomBytes(60) };
    const bytes = encodeHeader(header);
    expect(bytes.readUInt8(0)).toBe(1);
    const back = decodeHeader(bytes);
    expect(back.keyId).toBe('k');
    expect(Buffer.from(back.wrappedKey).equals(header.wrappedKey)).toBe(true);
    for (const bad of [bytes.subarray(0, 10), Buffer.concat([bytes, Buffer.alloc(1)]), bytes.subarray(0, bytes.byteLength - 1)]) {
      expect(() => decodeHeader(bad)).toThrow(expect.objectContaining({ code: 'DataLoss' }));
    }
  });
});

describe('encryptedBucket over a FileBucket: sealing overlaps the write, opening overlaps the read', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  async function fileBuckets(): Promise<{ inner: FileBucket; bucket: Bucket }> {
    const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-enc-file-'));
    dirs.push(dir);
    const inner = new FileBucket(dir, { durable: false });
    return { inner, bucket: encryptedBucket(inner, localKey(generateLocalKey())) };
  }

  it('streams whole bodies above 1 MiB into the file with the same stored size, etag and conditions as one write', async () => {
    const { inner, bucket } = await fileBuckets();
    const spy = vi.spyOn(inner, 'put');
    const plaintext = randomBytes(3 * 1024 * 1024 + 5);
    const put = await bucket.put('big', plaintext, { ifNoneMatch: '*' });
    expect(spy.mock.calls[0]?.[1]).toBeInstanceOf(Readable);
    expect(put.size).toBe(plaintext.byteLength);
    const stored = await inner.head('big');
    expect(stored.size).toBe(sealedSize(plaintext.byteLength));
    expect(stored.etag).toBe(put.etag);
    expect(Buffer.from((await bucket.get('big')).body).equals(plaintext)).toBe(true);
    expect(Buffer.from(await drain(bucket, 'big')).equals(plaintext)).toBe(true);
    expect(await codeOf(bucket.put('big', plaintext, { ifNoneMatch: '*' }))).toBe('PreconditionFailed');
    expect(await codeOf(bucket.put('big', plaintext, { ifMatch: '"stale"' }))).toBe('PreconditionFailed');
    await bucket.put('big', randomBytes(2 * 1024 * 1024), { ifMatch: put.etag });
    // At or under 1 MiB there is nothing to overlap: one sealed buffer.
    await bucket.put('small', randomBytes(1024 * 1024));
    expect(spy.mock.calls.at(-1)?.[1]).toBeInstanceOf(Uint8Array);
  });

  it('opens segments as the file is read, before the read ends; damage anywhere is DataLoss', async () => {
    const { inner, bucket } = await fileBuckets();
    const plaintext = randomBytes(3 * 1024 * 1024 + 5);
    await bucket.put('big', plaintext);
    // Record, at each callback, how far the plaintext had been written back (the body's first bytes).
    const original = inner.getFilling as NonNullable<Bucket['getFilling']>;
    const calls: { filled: number; openedFirst: boolean }[] = [];
    (inner as { getFilling: Bucket['getFilling'] }).getFilling = (key: string, onBytes: FillingReader) =>
      original(key, async (object, filled) => {
        await onBytes(object, filled);
        calls.push({ filled, openedFirst: Buffer.from(object.body.subarray(0, 16)).equals(plaintext.subarray(0, 16)) });
      });
    expect(Buffer.from((await bucket.get('big')).body).equals(plaintext)).toBe(true);
    expect(calls.length).toBeGreaterThan(2);
    // The first segment was open after the first read, while the rest of the file was still to come.
    expect(calls[0]).toEqual({ filled: 1024 * 1024, openedFirst: true });
    const stored = await inner.get('big');
    for (const at of [10, 2 * 1024 * 1024, stored.size - 3]) {
      const damaged = Buffer.from(stored.body);
      damaged[at] = (damaged[at] as number) ^ 1;
      await inner.put('big', damaged, { metadata: stored.metadata });
      expect(await codeOf(bucket.get('big')), `flip at ${at}`).toBe('DataLoss');
    }
    await inner.put('big', stored.body.subarray(0, stored.size - SEALED_SEGMENT_BYTES), { metadata: stored.metadata });
    expect(await codeOf(bucket.get('big'))).toBe('DataLoss');
  });

  it('answers Internal, not a crash, over a bucket whose getFilling breaks its contract by never calling back', async () => {
    const memory = new MemoryBucket();
    const broken: Bucket = Object.assign(Object.create(memory) as Bucket, { getFilling: (key: string) => memory.get(key) });
    const bucket = encryptedBucket(broken, localKey(generateLocalKey()));
    await bucket.put('obj', 'secret');
    const err = await bucket.get('obj').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(PolyfaasError);
    expect((err as PolyfaasError).code).toBe('Internal');
    expect((err as PolyfaasError).message).toContain('without calling back');
  });

  it('fails a read with DataLoss when a byte of a streamed-in object flips', async () => {
    const { inner, bucket } = await fileBuckets();
    await bucket.put('big', randomBytes(3 * 1024 * 1024));
    const stored = await inner.get('big');
    stored.body[2 * 1024 * 1024] = (stored.body[2 * 1024 * 1024] as number) ^ 1;
    await inner.put('big', stored.body, { metadata: stored.metadata });
    expect(await codeOf(bucket.get('big'))).toBe('DataLoss');
    await bucket.delete('big');
    expect(await bucket.exists('big')).toBe(false);
  });
});
