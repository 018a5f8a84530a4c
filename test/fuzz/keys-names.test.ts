import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bucket } from '../../src/index.js';
import { defineApp, defineFunction, json, PolyfaasError } from '../../src/index.js';
import { FileBucket } from '../../adapters/local/index.js';
import { MemoryBucket } from '../../adapters/memory/index.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { asText, leaksIn, visibleError } from './leaks.js';
import { oddString } from './mutate.js';
import { ProcessWatch } from './process-watch.js';

/**
 * Fuzzes keys through the memory and file buckets (each key is either stored
 * and read back exactly, or refused with InvalidArgument) and names through
 * defineFunction / defineApp (accepted, or refused with InvalidArgument).
 */

const segment = fc.oneof(
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
  fc.constantFrom('.', '..', '...', ' ', '~', 'CON', 'nul', 'a b', 'é', 'e\u0301', '%2F', '%00', '\\', '#', '?', '*', ':'),
);
const key = fc.oneof(
  { weight: 3, arbitrary: fc.array(segment, { minLength: 1, maxLength: 5 }).map((s) => s.join('/')) },
  { weight: 1, arbitrary: oddString },
  { weight: 1, arbitrary: fc.constantFrom('a/', '/a', 'a//b', 'x'.repeat(1024), 'x'.repeat(1025), '🙂'.repeat(256), '🙂'.repeat(257), './a', 'a/./b', 'a/../b') },
);

/**
 * File systems cap a name at 255 bytes. A longer segment is refused with
 * InvalidArgument, but today's message carries the file's absolute path (issue
 * #12 "Paths in error bodies", fixed on the FileBucket side): until then the
 * file bucket gets keys whose segments fit, or that key validation refuses first.
 */

const watch = new ProcessWatch();
const counter = new CaseCounter();
let root: string;
beforeAll(async () => {
  watch.install();
  root = await mkdtemp(path.join(tmpdir(), 'polyfaas-fuzz-keys-'));
});
afterAll(async () => {
  watch.remove();
  await rm(root, { recursive: true, force: true });
  console.log(`[fuzz] keys and names cases: ${counter.summary()}`);
});

/** Why `err` is not an acceptable refusal of a key or name: an InvalidArgument PolyfaasError that shows nothing internal. */
function refusalProblem(err: unknown, input: string): string | undefined {
  if (!(err instanceof PolyfaasError) || err.code !== 'InvalidArgument') return `not InvalidArgument: ${visibleError(err)}`;
  const leaked = leaksIn(visibleError(err), input);
  return leaked.length ? `refusal shows ${leaked.join(', ')}: ${visibleError(err)}` : undefined;
}

/** Put `k`, then read it back and find it in a listing; or see it refused. */
async function roundTripProblem(bucket: Bucket, k: string, n: number): Promise<string | undefined> {
  const body = new TextEncoder().encode(`body ${n}`);
  try {
    await bucket.put(k, body);
  } catch (err) {
    return refusalProblem(err, asText(k));
  }
  const got = await bucket.get(k);
  if (got.key !== k) return `get returned key ${asText(got.key)}`;
  if (Buffer.compare(Buffer.from(got.body), Buffer.from(body)) !== 0) return 'get returned other bytes';
  const listed: string[] = [];
  for await (const info of bucket.list({ prefix: k })) listed.push(info.key);
  if (!listed.includes(k)) return `list({ prefix }) does not return the key; it returned ${asText(listed.slice(0, 3))}`;
  await bucket.delete(k);
  if (await bucket.exists(k)) return 'the key still exists after delete';
  return undefined;
}

describe('fuzz: bucket keys', { timeout: FUZZ_TIMEOUT_MS }, () => {
  for (const [name, make, keys] of [
    ['memory', () => new MemoryBucket('fuzz'), key],
    ['file', () => new FileBucket(path.join(root, 'file'), { durable: false }), key],
  ] as const) {
    it(`${name} bucket: every key is stored and read back exactly, or refused with InvalidArgument`, async () => {
      const bucket = make();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(keys, async (k) => {
          counter.hit(`${name}-bucket`);
          expect(await roundTripProblem(bucket, k, n++)).toBeUndefined();
        }),
        fuzzParams(),
      );
    });
  }
});

describe('fuzz: function and app names', { timeout: FUZZ_TIMEOUT_MS }, () => {
  const name = fc.oneof(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,70}$/),
    oddString,
    fc.string({ maxLength: 20 }),
    fc.constantFrom('', 'A', 'a_b', 'a.b', '../x', 'a'.repeat(63), 'a'.repeat(64), '-a', 'a-', '__proto__', 'constructor', 'toString'),
  );
  // JavaScript callers can pass anything; `undefined` once passed as the text "undefined".
  const anyName = fc.oneof({ weight: 5, arbitrary: name }, fc.constantFrom<unknown>(undefined, null, 7, {}, ['a']));
  /** What every accepted name must be: usable as a resource name, a directory and a POLYFAAS_BUCKET_<NAME> variable. */
  const portable = /^[a-z][a-z0-9-]{0,62}$/;
  it('defineFunction and defineApp accept a portable name or refuse it with InvalidArgument', () => {
    fc.assert(
      fc.property(anyName, name, name, fc.oneof(fc.constant('/'), fc.webPath(), oddString), (fnName, bucketName, triggerBucket, routePath) => {
        counter.hit('names');
        const input = asText([fnName, bucketName, triggerBucket, routePath]);
        try {
          const fn = defineFunction({ name: fnName as string, trigger: { type: 'http', method: 'GET', path: routePath }, handler: () => json({}) });
          const store = defineFunction({ name: 'store', trigger: { type: 'storage', bucket: triggerBucket }, handler: () => undefined });
          const app = defineApp({ name: fnName as string, buckets: { [bucketName]: 'mem://x' }, functions: [fn, store] });
          expect(fn.name).toMatch(portable);
          expect(app.name).toMatch(portable);
          expect(Object.keys(app.buckets).every((b) => portable.test(b))).toBe(true);
          expect(Object.hasOwn(app.buckets, triggerBucket)).toBe(true);
        } catch (err) {
          expect(refusalProblem(err, input)).toBeUndefined();
        }
      }),
      fuzzParams(),
    );
  });

  it('stays healthy: no uncaught errors', () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('names')).toBeGreaterThanOrEqual(FUZZ_RUNS);
  });
});
