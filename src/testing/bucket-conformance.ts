import { randomBytes, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bucket } from '../storage/types.js';
import { PolyfaasError } from '../errors.js';

/** Options for {@link runBucketConformance}. */
export interface BucketConformanceOptions {
  /** Skip the 64 MiB streamed round trip (for drivers whose emulator cannot take it). Default false. */
  skipLargeObject?: boolean;
  /** Per-test timeout, ms. Default 60 s (emulators are slow). */
  timeoutMs?: number;
  /** The bucket offers `getFilling` (a local whole read): its contract is checked too. Default false: it must not offer it. */
  getFilling?: boolean;
}

/** Keys every driver must reject with `InvalidArgument`. */
export const INVALID_KEYS: readonly string[] = [
  '',
  '/absolute',
  '../escape',
  'a/../b',
  'a/./b',
  'a//b',
  'trailing/',
  'back\\slash',
  'nul\u0000byte',
  'new\nline',
  'tab\tkey',
  'x'.repeat(1025),
  'é'.repeat(513),
  // Lone surrogates: not well-formed UTF-16, so no provider can store them faithfully.
  'a/\ud800',
  'a/\udfff',
  'x\ud83d',
];

/**
 * The storage contract as a vitest suite. Run it against any driver to prove it
 * behaves exactly like the others; third-party drivers can run it too.
 *
 * @param makeBucket returns a fresh, empty bucket for each test (and may clean up via the returned `dispose`).
 *
 * @example
 * ```ts
 * import { runBucketConformance } from 'polyfaas/testing';
 * runBucketConformance('memory', async () => ({ bucket: new MemoryBucket() }));
 * ```
 */
export function runBucketConformance(
  name: string,
  makeBucket: () => Promise<{ bucket: Bucket; dispose?: () => Promise<void> }>,
  options: BucketConformanceOptions = {},
): void {
  const timeout = options.timeoutMs ?? 60_000;
  describe(`Bucket conformance: ${name}`, { timeout }, () => {
    let bucket: Bucket;
    let dispose: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ bucket, dispose } = await makeBucket());
    });
    afterEach(async () => {
      await dispose?.();
    });

    it('round-trips binary bytes exactly', async () => {
      const bytes = new Uint8Array(256 * 3).map((_, i) => i % 256);
      const info = await bucket.put('bin/all-bytes.bin', bytes);
      expect(info.size).toBe(bytes.byteLength);
      expect(info.etag).toBeTruthy();
      const got = await bucket.get('bin/all-bytes.bin');
      expect(Buffer.from(got.body).equals(Buffer.from(bytes))).toBe(true);
      expect(got.etag).toBe(info.etag);
    });

    it('hands the caller a body of its own: overwriting it changes no later read', async () => {
      const bytes = new Uint8Array(70_000).map((_, i) => i % 251);
      await bucket.put('own/body.bin', bytes);
      const first = await bucket.get('own/body.bin');
      first.body.fill(0);
      const second = await bucket.get('own/body.bin');
      expect(Buffer.from(second.body).equals(Buffer.from(bytes))).toBe(true);
    });

    it('round-trips an empty object', async () => {
      await bucket.put('empty', new Uint8Array());
      const got = await bucket.get('empty');
      expect(got.body.byteLength).toBe(0);
      expect(got.size).toBe(0);
    });

    it('round-trips strings as UTF-8 and unicode keys', async () => {
      await bucket.put('unicode/ключ-😀.txt', 'héllo wörld');
      expect(new TextDecoder().decode((await bucket.get('unicode/ключ-😀.txt')).body)).toBe('héllo wörld');
    });

    it('overwrites an object and changes its etag', async () => {
      const a = await bucket.put('over', 'one');
      const b = await bucket.put('over', 'two!');
      expect(b.etag).not.toBe(a.etag);
      const got = await bucket.get('over');
      expect(new TextDecoder().decode(got.body)).toBe('two!');
      expect(got.size).toBe(4);
    });

    it('keeps content type and metadata, defaulting to application/octet-stream', async () => {
      await bucket.put('typed.json', '{}', { contentType: 'application/json', metadata: { 'source-etag': 'abc', run: '7' } });
      const head = await bucket.head('typed.json');
      expect(head.contentType).toBe('application/json');
      expect(head.metadata).toEqual({ 'source-etag': 'abc', run: '7' });
      expect(head.size).toBe(2);
      expect(head.lastModified).toBeInstanceOf(Date);
      await bucket.put('untyped', 'x');
      expect((await bucket.head('untyped')).contentType).toBe('application/octet-stream');
    });

    it('rejects non-portable metadata with InvalidArgument', async () => {
      await expectCode(bucket.put('m', 'x', { metadata: { 'Upper Case': 'v' } }), 'InvalidArgument');
      await expect(bucket.exists('m')).resolves.toBe(false);
    });

    it('streams a body in and out (web stream and async iterable)', async () => {
      async function* chunks() {
        for (let i = 0; i < 10; i++) yield new Uint8Array(1000).fill(i);
      }
      await bucket.put('stream/iter', chunks());
      const web = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array([1, 2, 3]));
          controller.close();
        },
      });
      await bucket.put('stream/web', web);
      const out = await bucket.getStream('stream/iter');
      let total = 0;
      for await (const chunk of out.body) total += (chunk as Uint8Array).byteLength;
      expect(total).toBe(10_000);
      expect(Array.from((await bucket.get('stream/web')).body)).toEqual([1, 2, 3]);
    });

    if (!options.skipLargeObject) {
      it('round-trips a 64 MiB object as a stream', async () => {
        const chunk = randomBytes(1024 * 1024);
        const total = 64;
        const inHash = createHash('sha256');
        for (let i = 0; i < total; i++) inHash.update(chunk);
        const source = Readable.from(
          (function* () {
            for (let i = 0; i < total; i++) yield chunk;
          })(),
        );
        const info = await bucket.put('large/64mib.bin', source);
        expect(info.size).toBe(total * chunk.byteLength);
        const out = await bucket.getStream('large/64mib.bin');
        const outHash = createHash('sha256');
        let size = 0;
        for await (const c of out.body) {
          outHash.update(c as Uint8Array);
          size += (c as Uint8Array).byteLength;
        }
        expect(size).toBe(total * chunk.byteLength);
        expect(outHash.digest('hex')).toBe(inHash.digest('hex'));
      });
    }

    it(options.getFilling ? 'offers getFilling, as declared' : 'offers no getFilling, as declared (wrappers stream it)', () => {
      expect(typeof bucket.getFilling).toBe(options.getFilling ? 'function' : 'undefined');
    });

    if (options.getFilling) {
      it('fills the body getFilling returns in order, as get reads it', async () => {
        const getFilling = bucket.getFilling as NonNullable<Bucket['getFilling']>;
        const bytes = randomBytes(3 * 1024 * 1024 + 123);
        const info = await bucket.put('filling/body.bin', bytes);
        const seen: number[] = [];
        let firstBody: Uint8Array | undefined;
        const got = await getFilling('filling/body.bin', (object, filled) => {
          firstBody ??= object.body;
          expect(object.body).toBe(firstBody);
          expect(object.size).toBe(bytes.byteLength);
          expect(Buffer.from(object.body.subarray(0, filled)).equals(bytes.subarray(0, filled))).toBe(true);
          seen.push(filled);
        });
        expect(got.body).toBe(firstBody);
        expect(got.etag).toBe(info.etag);
        expect(Buffer.from(got.body).equals(bytes)).toBe(true);
        expect(seen.at(-1)).toBe(bytes.byteLength);
        expect(seen.every((n, i) => i === 0 || n > (seen[i - 1] as number))).toBe(true);
        // An empty object still calls back once.
        await bucket.put('filling/empty', new Uint8Array());
        const empty: number[] = [];
        expect((await getFilling('filling/empty', (_o, filled) => void empty.push(filled))).size).toBe(0);
        expect(empty).toEqual([0]);
        await expectCode(getFilling('filling/missing', () => undefined), 'NotFound');
        await expectCode(getFilling('../escape', () => undefined), 'InvalidArgument');
        // A failing reader fails the read with its code, and the bucket stays usable.
        const refused = new PolyfaasError('DataLoss', 'the reader refused these bytes');
        await expectCode(getFilling('filling/body.bin', () => Promise.reject(refused)), 'DataLoss');
        expect(Buffer.from((await bucket.get('filling/body.bin')).body).equals(bytes)).toBe(true);
      });
    }

    it('answers NotFound for missing objects on get, getStream and head', async () => {
      await expectCode(bucket.get('missing'), 'NotFound');
      await expectCode(bucket.getStream('missing'), 'NotFound');
      await expectCode(bucket.head('missing'), 'NotFound');
      await expect(bucket.exists('missing')).resolves.toBe(false);
    });

    it('deletes idempotently', async () => {
      await bucket.put('del/me', 'x');
      await bucket.delete('del/me');
      await bucket.delete('del/me');
      await bucket.delete('never/existed');
      await expectCode(bucket.get('del/me'), 'NotFound');
    });

    it('lists by prefix in key order with pagination', async () => {
      const keys = ['a/1', 'a/2', 'a/3', 'a/sub/4', 'ab/5', 'b/6'];
      for (const key of [...keys].reverse()) await bucket.put(key, key);
      const all: string[] = [];
      for await (const obj of bucket.list()) all.push(obj.key);
      expect(all).toEqual(keys);
      const underA: string[] = [];
      for await (const obj of bucket.list({ prefix: 'a/', pageSize: 2 })) underA.push(obj.key);
      expect(underA).toEqual(['a/1', 'a/2', 'a/3', 'a/sub/4']);

      const first = await bucket.listPage({ prefix: 'a', pageSize: 3 });
      expect(first.objects.map((o) => o.key)).toEqual(['a/1', 'a/2', 'a/3']);
      expect(first.cursor).toBeTruthy();
      const second = await bucket.listPage({ prefix: 'a', pageSize: 3, cursor: first.cursor as string });
      expect(second.objects.map((o) => o.key)).toEqual(['a/sub/4', 'ab/5']);
      expect(second.cursor).toBeUndefined();
      const listed = first.objects[0];
      expect(listed?.size).toBe(3);
      expect(listed?.etag).toBeTruthy();
    });

    it('lists nothing for an unknown prefix and everything for an empty bucket', async () => {
      const page = await bucket.listPage({ prefix: 'nothing/' });
      expect(page.objects).toEqual([]);
      expect(page.cursor).toBeUndefined();
    });

    it('lets exactly one of two racing ifNoneMatch writers win', async () => {
      const results = await Promise.allSettled([
        bucket.put('race/once', 'writer-1', { ifNoneMatch: '*' }),
        bucket.put('race/once', 'writer-2', { ifNoneMatch: '*' }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toBeInstanceOf(PolyfaasError);
      expect((lost[0]?.reason as PolyfaasError).code).toBe('PreconditionFailed');
      const body = new TextDecoder().decode((await bucket.get('race/once')).body);
      expect(['writer-1', 'writer-2']).toContain(body);
      await expectCode(bucket.put('race/once', 'late', { ifNoneMatch: '*' }), 'PreconditionFailed');
    });

    it('does compare-and-swap with ifMatch', async () => {
      const v1 = await bucket.put('cas', 'v1');
      const v2 = await bucket.put('cas', 'v2', { ifMatch: v1.etag });
      await expectCode(bucket.put('cas', 'stale', { ifMatch: v1.etag }), 'PreconditionFailed');
      expect(new TextDecoder().decode((await bucket.get('cas')).body)).toBe('v2');
      await bucket.put('cas', 'v3', { ifMatch: v2.etag });
      await expectCode(bucket.put('cas-missing', 'x', { ifMatch: v2.etag }), 'PreconditionFailed');
      await expect(bucket.exists('cas-missing')).resolves.toBe(false);
    });

    it('lets only one of two racing compare-and-swaps win', async () => {
      const v1 = await bucket.put('cas-race', 'v1');
      const results = await Promise.allSettled([
        bucket.put('cas-race', 'a', { ifMatch: v1.etag }),
        bucket.put('cas-race', 'b', { ifMatch: v1.etag }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('rejects every invalid key with InvalidArgument on every operation', async () => {
      await bucket.put('safe', 'keep me');
      for (const key of INVALID_KEYS) {
        await expectCode(bucket.put(key, 'x'), 'InvalidArgument', key);
        await expectCode(bucket.get(key), 'InvalidArgument', key);
        await expectCode(bucket.getStream(key), 'InvalidArgument', key);
        await expectCode(bucket.head(key), 'InvalidArgument', key);
        await expectCode(bucket.delete(key), 'InvalidArgument', key);
      }
      await expectCode(bucket.listPage({ prefix: '../' }), 'InvalidArgument');
      expect(new TextDecoder().decode((await bucket.get('safe')).body)).toBe('keep me');
      const keys: string[] = [];
      for await (const obj of bucket.list()) keys.push(obj.key);
      expect(keys).toEqual(['safe']);
    });

    it('keeps keys with lone surrogates apart from each other and from U+FFFD: all rejected, nothing stored', async () => {
      // Each of these encodes to the same UTF-8 bytes (EF BF BD) if a driver lets it through.
      for (const key of ['lone/\ud800', 'lone/\udfff']) {
        await expectCode(bucket.put(key, key), 'InvalidArgument', key);
      }
      await expectCode(bucket.listPage({ prefix: 'lone/\ud800' }), 'InvalidArgument', 'prefix');
      await expectCode(bucket.listPage({ prefix: 'lone/\ud83d' }), 'InvalidArgument', 'prefix');
      await bucket.put('lone/\ufffd', 'replacement character is a real character');
      await bucket.put('pair/\ud83d\ude00', 'a well-formed pair');
      const keys: string[] = [];
      for await (const obj of bucket.list()) keys.push(obj.key);
      expect(keys).toEqual(['lone/\ufffd', 'pair/\ud83d\ude00']);
    });

    it('accepts a key of exactly 1024 bytes', async () => {
      // Segments stay under the 255-byte file-name limit so file-backed drivers can hold it too.
      const key = `${Array.from({ length: 5 }, (_, i) => String(i).repeat(200)).join('/')}/${'k'.repeat(19)}`;
      expect(Buffer.byteLength(key)).toBe(1024);
      await bucket.put(key, 'x');
      expect((await bucket.head(key)).size).toBe(1);
    });
  });
}

async function expectCode(promise: Promise<unknown>, code: string, label = ''): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${code} for ${JSON.stringify(label).slice(0, 40)}`).toBeInstanceOf(PolyfaasError);
  expect((caught as PolyfaasError).code, JSON.stringify(label).slice(0, 40)).toBe(code);
}
