import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** A running dynalite (DynamoDB implemented on LevelDB, in memory). */
export interface Dynalite {
  readonly endpoint: string;
  /** Credentials and region a client (or child process) needs; dynalite accepts any. */
  readonly env: Record<string, string>;
  readonly client: DynamoDBClient;
  /** Create a key-value table (partition key `pk`) and return its name. */
  createTable(hint?: string): Promise<string>;
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

let tables = 0;

/**
 * Start `dynalite` on a free loopback port, tables created instantly, and wait
 * until it answers. Throws, failing the suite loudly, if it cannot start.
 */
export async function startDynalite(): Promise<Dynalite> {
  const port = await freePort();
  const bin = path.resolve('node_modules/.bin/dynalite');
  const child = spawn(bin, ['--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { AWS_ACCESS_KEY_ID: 'dynalite', AWS_SECRET_ACCESS_KEY: 'dynalite', AWS_REGION: 'us-east-1' };
  const client = new DynamoDBClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } });
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      await client.send(new CreateTableCommand(tableSpec('ready-probe')));
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > until) {
        child.kill('SIGKILL');
        throw new Error(`dynalite did not start on port ${port}: ${String(err)}\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    endpoint,
    env,
    client,
    async createTable(hint = 'kv') {
      const name = `${hint}-${process.pid}-${++tables}`;
      await client.send(new CreateTableCommand(tableSpec(name)));
      return name;
    },
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, new Promise((r) => setTimeout(r, 5_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}

function tableSpec(name: string) {
  return {
    TableName: name,
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}
