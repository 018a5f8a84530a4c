import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_FILES, FIXTURE_DIR, locateFashionMnist } from './source.js';

const nowhere = '/nonexistent/fashion-mnist';
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** A fetch that serves the fixture files, counting requests. */
function fixtureServer() {
  const requests: string[] = [];
  const fetch = (async (url: URL) => {
    requests.push(url.pathname.slice(1));
    return new Response(await readFile(join(FIXTURE_DIR, url.pathname.slice(1))));
  }) as unknown as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('locateFashionMnist', () => {
  it('prefers FASHION_MNIST_DIR and fails loudly when it is incomplete', async () => {
    await expect(locateFashionMnist({ env: { FASHION_MNIST_DIR: FIXTURE_DIR } })).resolves.toMatchObject({ origin: 'env', dir: expect.stringContaining('fashion-mnist') });
    await expect(locateFashionMnist({ env: { FASHION_MNIST_DIR: nowhere } })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('uses the Debian package directory next', async () => {
    const where = await locateFashionMnist({ env: {}, debianDir: FIXTURE_DIR, download: false });
    expect(where.origin).toBe('debian');
    expect(where.files.trainImages).toBe(join(FIXTURE_DIR, 'train-images-idx3-ubyte.gz'));
  });

  it('downloads into the cache, verifies MD5s, and reuses a complete cache', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'fmnist-'));
    const { fetch, requests } = fixtureServer();
    // The fixture files stand in for the real ones, so their MD5s replace the published ones.
    const md5s = Object.fromEntries(
      await Promise.all(Object.entries(FASHION_MNIST_FILES).map(async ([id, f]) => [id, md5(await readFile(join(FIXTURE_DIR, f.file)))])),
    );
    const options = { env: {}, debianDir: nowhere, cacheDir, fetch, md5s, baseUrl: 'http://example.test/' };
    const where = await locateFashionMnist(options);
    expect(where).toMatchObject({ origin: 'download', dir: cacheDir });
    expect(requests).toHaveLength(4);
    expect((await readdir(cacheDir)).sort()).toEqual(Object.values(FASHION_MNIST_FILES).map((f) => f.file).sort());
    await locateFashionMnist(options);
    expect(requests).toHaveLength(4);
  });

  it('rejects a download with the wrong MD5, keeps no partial file, and falls back to the fixture', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'fmnist-'));
    const { fetch } = fixtureServer();
    const where = await locateFashionMnist({ env: {}, debianDir: nowhere, cacheDir, fetch, fixtureDir: FIXTURE_DIR });
    expect(where.origin).toBe('fixture');
    expect(where.notes.join(' ')).toMatch(/download failed .*MD5 .* expected 8d4fb7e6c68d591d4c3dfef9ec88bf0d/);
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('falls back quickly when the server never answers', async () => {
    const hang = ((_url: URL, init: RequestInit) =>
      new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as unknown as typeof fetch;
    const started = Date.now();
    const where = await locateFashionMnist({ env: {}, debianDir: nowhere, cacheDir: await mkdtemp(join(tmpdir(), 'fmnist-')), fetch: hang, connectTimeoutMs: 50 });
    expect(where.origin).toBe('fixture');
    expect(where.notes.join(' ')).toMatch(/no answer from .* within 50 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('falls back to the fixture when downloads are disabled', async () => {
    const where = await locateFashionMnist({ env: {}, debianDir: nowhere, download: false });
    expect(where).toMatchObject({ origin: 'fixture', notes: [expect.stringContaining('not found'), 'download disabled'] });
  });
});
