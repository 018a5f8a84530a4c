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

  it('treats a binding path without a trailing slash as a folder, and never maps objects outside it', () => {
    const bindings = { data: 's3://bkt/pre' };
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'bkt', key: 'pre/x.png' })).toEqual({ bucket: 'data', key: 'x.png' });
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'bkt', key: 'prefix-unrelated/z.png' })).toBeUndefined();
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'bkt', key: 'pre' })).toBeUndefined();
    expect(resolveProviderObject({ data: 'gs://bkt//pre' }, { scheme: 'gs', bucket: 'bkt', key: 'pre/a' })).toEqual({ bucket: 'data', key: 'a' });
    expect(resolveProviderObject({ data: 'azblob://c/p%20q' }, { scheme: 'azblob', bucket: 'c', key: 'p q/a' })).toEqual({ bucket: 'data', key: 'a' });
  });

  it('picks the binding with the longest prefix when bindings overlap', () => {
    const bindings = { all: 's3://bkt', models: 's3://bkt/models' };
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'bkt', key: 'models/m.json' })).toEqual({ bucket: 'models', key: 'm.json' });
    expect(resolveProviderObject(bindings, { scheme: 's3', bucket: 'bkt', key: 'raw/a.png' })).toEqual({ bucket: 'all', key: 'raw/a.png' });
  });
});
