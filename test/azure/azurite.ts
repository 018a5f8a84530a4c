import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { freePort, startServerProcess } from '../support/server-process.js';

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

let counter = 0;

/**
 * Start `azurite-blob` on a free loopback port with in-memory persistence and
 * wait until it answers. Throws (failing the suite loudly) if it cannot start.
 */
export async function startAzurite(): Promise<Azurite> {
  const port = await freePort();
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `BlobEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  const service = BlobServiceClient.fromConnectionString(connectionString);
  // In memory (as the test plan asks), run from a temp working directory: Azurite refuses --location together with
  // --inMemoryPersistence, and the temp dir keeps any stray file out of the repo.
  const server = await startServerProcess({
    name: `azurite-blob on port ${port}`,
    command: path.resolve('node_modules/.bin/azurite-blob'),
    args: ['--blobHost', '127.0.0.1', '--blobPort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry'],
    tempDir: 'polyfaas-azurite-',
    ready: () => service.getProperties(),
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return {
    connectionString,
    service,
    async container(hint = 'c') {
      const name = `${hint}-${process.pid}-${++counter}-${Date.now().toString(36)}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63);
      await service.getContainerClient(name).create();
      return name;
    },
    stop: () => server.stop(),
  };
}
