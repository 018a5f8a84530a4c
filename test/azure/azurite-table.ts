import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TableServiceClient } from '@azure/data-tables';
import { AZURITE_ACCOUNT } from './azurite.js';

const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** A running Azurite table service. */
export interface AzuriteTables {
  readonly connectionString: string;
  /** Create a table with a unique name and return the name. */
  table(hint?: string): Promise<string>;
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
 * Start `azurite-table` on a free loopback port with in-memory persistence and
 * wait until it answers. Throws (failing the suite loudly) if it cannot start.
 */
export async function startAzuriteTables(): Promise<AzuriteTables> {
  const port = await freePort();
  const location = await mkdtemp(path.join(tmpdir(), 'polyfaas-azurite-table-'));
  const bin = path.resolve('node_modules/.bin/azurite-table');
  const child = spawn(bin, ['--tableHost', '127.0.0.1', '--tablePort', String(port), '--inMemoryPersistence', '--skipApiVersionCheck', '--disableTelemetry'], {
    cwd: location,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  const service = TableServiceClient.fromConnectionString(connectionString, { allowInsecureConnection: true });
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      await service.getProperties();
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > until) {
        child.kill('SIGKILL');
        await rm(location, { recursive: true, force: true });
        throw new Error(`azurite-table did not start on port ${port}: ${String(err)}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    connectionString,
    async table(hint = 'kv') {
      const name = `${hint}${process.pid}x${++counter}`.replace(/[^A-Za-z0-9]/g, '').slice(0, 63);
      await service.createTable(name);
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
