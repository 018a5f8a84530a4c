import { describe, expect, it } from 'vitest';
import { openBucket } from '../../../src/index.js';
import { registerSchemes, S3Bucket } from './s3-bucket.js';
import { createS3Client } from './s3-sdk.js';

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: { code?: string }) => err.code);

// Data in transit is TLS: a plain-HTTP endpoint off this host is refused before any request is made.
describe('S3 endpoints must be TLS', () => {
  it('refuses a configured http:// endpoint on another host, unless allowed', async () => {
    expect(() => new S3Bucket('s3://b/p', { clientConfig: { endpoint: 'http://minio.example:9000' } })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    await expect(createS3Client({ endpoint: 'http://minio.example:9000' })).rejects.toMatchObject({ code: 'InvalidArgument' });
    expect(() => new S3Bucket('s3://b/p', { clientConfig: { endpoint: 'http://minio.example:9000' }, allowInsecureEndpoint: true })).not.toThrow();
    expect(() => new S3Bucket('s3://b/p', { clientConfig: { endpoint: 'https://minio.example:9000' } })).not.toThrow();
  });

  it('checks the endpoint of a client it is given, before the first request', async () => {
    const insecure = await createS3Client({ endpoint: 'http://minio.example:9000', maxAttempts: 1 }, { allowInsecureEndpoint: true });
    expect(await code(new S3Bucket('s3://b/p', { client: insecure }).head('k'))).toBe('InvalidArgument');
    // Allowed, the request goes out (and fails on the network: not a TLS refusal).
    expect(await code(new S3Bucket('s3://b/p', { client: insecure, allowInsecureEndpoint: true }).head('k'))).not.toBe('InvalidArgument');
    insecure.destroy();
  });

  it('refuses ?endpoint=http:// in bucket URLs unless registered with allowInsecureEndpoint', async () => {
    registerSchemes();
    await expect(openBucket('s3://b/p?endpoint=http%3A%2F%2Fminio.example%3A9000')).rejects.toMatchObject({ code: 'InvalidArgument' });
    registerSchemes({ allowInsecureEndpoint: true });
    await expect(openBucket('s3://b/p?endpoint=http%3A%2F%2Fminio.example%3A9000')).resolves.toBeInstanceOf(S3Bucket);
  });

  it('lets loopback emulators through (the bytes never leave the host)', async () => {
    const local = await createS3Client({ endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    expect(await code(new S3Bucket('s3://b/p', { client: local }).head('k'))).not.toBe('InvalidArgument');
    local.destroy();
  });
});
