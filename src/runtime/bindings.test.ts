import { describe, expect, it } from 'vitest';
import { defineApp } from '../function.js';
import { bucketBindingsFromEnv, bucketEnvName, resolveProviderObject } from './bindings.js';

describe('bucket bindings', () => {
  const app = defineApp({ functions: [], buckets: { data: 'file:///tmp/data', 'raw-images': 'mem://raw' } });

  it('reads POLYFAAS_BUCKET_<NAME> overrides for declared buckets only', () => {
    expect(bucketEnvName('raw-images')).toBe('POLYFAAS_BUCKET_RAW_IMAGES');
    expect(bucketBindingsFromEnv(app, { POLYFAAS_BUCKET_DATA: 's3://prod/fashion/', POLYFAAS_BUCKET_OTHER: 's3://x' })).toEqual({ data: 's3://prod/fashion/' });
  });

  it('maps a provider object back to the logical bucket and key', () => {
    const bindings = { data: 's3://prod/fashion/', models: 's3://prod/models/', other: 'gs://prod' };
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'prod', key: 'fashion/raw/a.png' })).toEqual({ bucket: 'data', key: 'raw/a.png' });
    expect(resolveProviderObject(bindings, { scheme: 'gs', bucket: 'prod', key: 'x' })).toEqual({ bucket: 'other', key: 'x' });
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'elsewhere', key: 'fashion/a' })).toBeUndefined();
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'prod', key: 'unrelated/a' })).toBeUndefined();
  });
});
