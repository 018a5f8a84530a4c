import { describe, expect, it } from 'vitest';
import { assertSecureEndpoint } from './secure-endpoint.js';

describe('assertSecureEndpoint', () => {
  it('accepts https anywhere and http on loopback only', () => {
    for (const ok of ['https://s3.eu-west-1.amazonaws.com', 'https://10.0.0.5:9000', 'http://127.0.0.1:10000/devstoreaccount1', 'http://localhost:4443', 'http://[::1]:9000']) {
      expect(() => assertSecureEndpoint(ok, 'endpoint'), ok).not.toThrow();
    }
  });

  it('refuses plain http to any other host, and other schemes, unless allowed', () => {
    for (const bad of ['http://minio:9000', 'http://10.0.0.5', 'http://s3.example.com', 'ftp://127.0.0.1', 'http://127.0.0.1.evil.example']) {
      expect(() => assertSecureEndpoint(bad, 'S3 endpoint'), bad).toThrow(expect.objectContaining({ code: 'InvalidArgument', message: expect.stringMatching(/not TLS/) }));
    }
    expect(() => assertSecureEndpoint('http://minio:9000', 'S3 endpoint', { allowInsecureEndpoint: true })).not.toThrow();
    expect(() => assertSecureEndpoint('not a url', 'S3 endpoint')).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
  });
});
