import { AnonymousCredential, BlobServiceClient } from '@azure/storage-blob';
import { describe, expect, it } from 'vitest';
import { AzureBlobBucket } from './blob-bucket.js';

const code = (p: Promise<unknown>) => p.then(() => 'resolved', (err: { code?: string }) => err.code);
const KEY = Buffer.from('not-a-real-key').toString('base64');
const account = (endpoint: string) => `DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=${KEY};BlobEndpoint=${endpoint}/devstoreaccount1;`;

/** A client that gives up after one try, so requests that do go out fail fast. */
const client = (endpoint: string) => new BlobServiceClient(`${endpoint}/devstoreaccount1`, new AnonymousCredential(), { retryOptions: { maxTries: 1 } });

// Data in transit is TLS: a plain-HTTP endpoint off this host is refused before any request is made.
describe('Blob Storage endpoints must be TLS', () => {
  it('refuses an http:// blob endpoint on another host, unless allowed', async () => {
    const insecure = account('http://azurite.example:10000');
    expect(await code(new AzureBlobBucket({ container: 'c', connectionString: insecure }).head('k'))).toBe('InvalidArgument');
    expect(await code(new AzureBlobBucket({ container: 'c', serviceClient: client('http://azurite.example:10000') }).head('k'))).toBe('InvalidArgument');
    const allowed = new AzureBlobBucket({ container: 'c', serviceClient: client('http://azurite.invalid:9'), allowInsecureEndpoint: true });
    expect(await code(allowed.head('k'))).not.toBe('InvalidArgument');
  });

  it('accepts a loopback emulator (Azurite on this host)', async () => {
    expect(await code(new AzureBlobBucket({ container: 'c', serviceClient: client('http://127.0.0.1:9') }).head('k'))).not.toBe('InvalidArgument');
  });
});
