import { describe, expect, it } from 'vitest';
import { json } from './events/http.js';
import { defineApp, defineFunction } from './function.js';

const ok = () => json({});

describe('defineFunction', () => {
  it('freezes the definition and tags it', () => {
    const fn = defineFunction({ name: 'hello', trigger: { type: 'http', method: 'GET', path: '/hello' }, handler: ok });
    expect(fn.kind).toBe('polyfaas.function');
    expect(Object.isFrozen(fn)).toBe(true);
  });
  it.each(['Hello', '1abc', 'has_underscore', 'x'.repeat(64), ''])('rejects the non-portable name %j', (name) => {
    expect(() => defineFunction({ name, trigger: { type: 'http', method: 'GET', path: '/' }, handler: ok })).toThrow(/name/);
  });
  it('rejects bad triggers and limits with InvalidArgument', () => {
    expect(() => defineFunction({ name: 'a', trigger: { type: 'http', method: 'GET', path: 'no-slash' }, handler: ok })).toThrow(/path/);
    expect(() => defineFunction({ name: 'a', trigger: { type: 'schedule', cron: '* * *' }, handler: () => {} })).toThrow(/5 fields/);
    expect(() => defineFunction({ name: 'a', trigger: { type: 'schedule', cron: '0 25 * * *' }, handler: () => {} })).toThrow(/hour/);
    expect(() => defineFunction({ name: 'a', timeoutMs: -1, trigger: { type: 'queue', queue: 'q' }, handler: () => {} })).toThrow(/timeoutMs/);
    expect(() => defineFunction({ name: 'a', retries: 1.5, trigger: { type: 'queue', queue: 'q' }, handler: () => {} })).toThrow(/retries/);
  });
});

describe('defineApp', () => {
  const a = defineFunction({ name: 'a', trigger: { type: 'http', method: 'GET', path: '/x/:id' }, handler: ok });
  it('rejects duplicate names and colliding routes', () => {
    expect(() => defineApp({ functions: [a, a] })).toThrow(/Two functions are named/);
    const b = defineFunction({ name: 'b', trigger: { type: 'http', method: 'GET', path: '/x/:other' }, handler: ok });
    expect(() => defineApp({ functions: [a, b] })).toThrow(/Two functions route/);
  });
  it('rejects storage triggers on undeclared buckets', () => {
    const s = defineFunction({ name: 's', trigger: { type: 'storage', bucket: 'raw' }, handler: () => {} });
    expect(() => defineApp({ functions: [s] })).toThrow(/does not declare/);
    expect(defineApp({ functions: [s], buckets: { raw: 'mem://raw' } }).functions).toHaveLength(1);
  });
});

describe('names found by the fuzz suite (test/fuzz/keys-names.test.ts)', () => {
  const fn = (bucket = 'data') => defineFunction({ name: 'f', trigger: { type: 'storage', bucket }, handler: () => undefined });

  it('refuses app names that are not portable (one of "../.." named the bundle output directory)', () => {
    for (const name of ['../../etc', 'My App', '', 'a/b']) {
      expect(() => defineApp({ name, functions: [] })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
    expect(defineApp({ name: 'fashion-mnist', functions: [] }).name).toBe('fashion-mnist');
  });

  it('refuses bucket names no POLYFAAS_BUCKET_<NAME> variable can bind', () => {
    for (const bucket of ['my.data', 'a b', 'Data', '']) {
      expect(() => defineApp({ functions: [], buckets: { [bucket]: 'mem://x' } })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    }
  });

  it('a storage trigger on "toString" or "constructor" is not satisfied by Object.prototype', () => {
    for (const bucket of ['toString', 'constructor', '__proto__']) {
      expect(() => defineApp({ functions: [fn(bucket)], buckets: { data: 'mem://x' } })).toThrow(/does not declare/);
    }
  });

  it('refuses a function without a name (undefined matched the name pattern as the text "undefined")', () => {
    expect(() => defineFunction({ name: undefined as unknown as string, trigger: { type: 'http', method: 'GET', path: '/' }, handler: () => json({}) })).toThrow(
      expect.objectContaining({ code: 'InvalidArgument' }),
    );
  });
});
