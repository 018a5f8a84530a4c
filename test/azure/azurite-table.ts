import path from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { freePort, startServerProcess } from '../support/server-process.js';
import { AZURITE_ACCOUNT } from './azurite.js';

const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite table service. */
export interface AzuriteTables {
  readonly connectionString: string;
  /** Create a table with a unique name and return the name. */
  table(hint?: string): Promise<string>;
  stop(): Promise<void>;
}

let counter = 0;

/**
 * Start `azurite-table` on a free loopback port with in-memory persistence and
 * wait until it answers. Throws (failing the suite loudly) if it cannot start.
 */
export async function startAzuriteTables(): Promise<AzuriteTables> {
  const port = await freePort();
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const server = await startServerProcess({
    name: `azurite-table on port ${port}`,
    command: path.resolve('node_modules/.bin/azurite-table'),
    args: ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry'],
    tempDir: 'polyfaas-azurite-table-',
    ready: () => service.getProperties(),
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  return {
    connectionString,
    async table(hint = 'kv') {
      const name = `${hint}${process.pid}x${++counter}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 63);
      await service.createTable(name);
      return name;
    },
    stop: () => server.stop(),
  };
}
