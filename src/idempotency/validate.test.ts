import { describe, expect, it } from 'vitest';
import { defineApp, defineFunction } from '../function.js';

const fn = (idempotency: unknown) =>
  defineFunction({ name: 'f', trigger: { type: 'queue', queue: 'q' }, idempotency: idempotency as never, handler: () => 1 });

describe('FunctionSpec.idempotency', () => {
  it('is checked when the function is defined', () => {
    expect(() => fn({ store: '' })).toThrow(/idempotency.store/);
    expect(() => fn({ store: 'idem', expiresAfterMs: 0 })).toThrow(/expiresAfterMs/);
    expect(() => fn({ store: 'idem', key: 'id' })).toThrow(/key must be a function/);
    expect(() => fn({ store: 'idem', required: 'yes' })).toThrow(/required/);
    expect(fn({ store: 'idem', expiresAfterMs: 1_000 }).idempotency?.store).toBe('idem');
  });

  it('must name a store the app declares', () => {
    expect(() => defineApp({ functions: [fn({ store: 'idem' })] })).toThrow(/store "idem", which the app does not declare/);
    expect(defineApp({ functions: [fn({ store: 'idem' })], stores: { idem: 'mem://x' } }).stores.idem).toBe('mem://x');
  });
});
