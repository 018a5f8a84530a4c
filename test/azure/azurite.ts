import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite blob service. */
export interface Azurite {
  readonly connectionString: string;
  readonly service: BlobServiceClient;
  /** Create a container with a unique name and return the name. */
  container(hint?: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

let counter = 0;

/**
 * Start `azurite-blob` on a free loopback port with in-memory persistence and
 * wait until it answers. Throws (failing the suite loudly) if it cannot start.
 */
export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const location = await mkdtemp(path.join(tmpdir(), 'polyfaas-azurite-'));
  const bin = path.resolve('node_modules/.bin/azurite-blob');
  // Started with --inMemoryPersistence (as the test plan asks) and run from a temp working directory.
  const child: ChildProcess = spawn(
    bin,
    ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry'],
    // Azurite refuses --location together with --inMemoryPersistence; running it in a temp dir keeps any stray file out of the repo.
    { cwd: location, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`azurite-blob exited early (code ${code}): ${output}`))),
  );
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  const ready = (async () => {
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        await service.getProperties();
        return;
      } catch (err) {
        if (Date.now() > until) throw new Error(`azurite-blob did not become ready on port ${port}: ${String(err)}\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  })();
  try {
    await Promise.race([ready, exited]);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(location, { recursive: true, force: true });
    throw err;
  }
  exited.catch(() => undefined);
  return {
    connectionString,
    service,
    async container(hint = 'c') {
      const name = `${hint}-${process.pid}-${++counter}-${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
      await service.getContainerClient(name).create();
      return name;
    },
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(location, { recursive: true, force: true });
    },
  };
}
