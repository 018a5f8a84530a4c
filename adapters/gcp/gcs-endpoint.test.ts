import { Storage } from '@google-cloud/storage';
import { afterEach, describe, expect, it } from 'vitest';
import { GcsBucket } from './gcs-bucket.js';

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: { code?: string }) => err.code);
const noRetry = { retryOptions: { autoRetry: false }, projectId: 'test' };

// Data in transit is TLS: a plain-HTTP endpoint off this host is refused before any request is made.
describe('Cloud Storage endpoints must be TLS', () => {
  const previous = process.env.STORAGE_EMULATOR_HOST;
  afterEach(() => {
    if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
    else process.env.STORAGE_EMULATOR_HOST = previous;
  });

  it('refuses an http:// apiEndpoint on another host, unless allowed', async () => {
    expect(() => new GcsBucket('b', { storage: { apiEndpoint: 'http://gcs.example:4443', ...noRetry } })).toThrow(expect.objectContaining({ code: 'InvalidArgument' }));
    const allowed = new GcsBucket('b', { storage: { apiEndpoint: 'http://gcs.example:9', ...noRetry }, allowInsecureEndpoint: true });
    expect(await code(allowed.head('k'))).not.toBe('InvalidArgument');
  });

  it('checks a given client and the emulator variable too', async () => {
    const client = new Storage({ apiEndpoint: 'http://gcs.example:4443', ...noRetry });
    expect(await code(new GcsBucket('b', { storage: client }).head('k'))).toBe('InvalidArgument');
    process.env.STORAGE_EMULATOR_HOST = 'http://fake-gcs:4443';
    expect(await code(new GcsBucket('b', { storage: noRetry }).head('k'))).toBe('InvalidArgument');
  });

  it('accepts https and loopback emulators', async () => {
    expect(() => new GcsBucket('b', { storage: { apiEndpoint: 'https://storage.example', ...noRetry } })).not.toThrow();
    expect(await code(new GcsBucket('b', { storage: { apiEndpoint: 'http://127.0.0.1:9', ...noRetry } }).head('k'))).not.toBe('InvalidArgument');
  });
});
