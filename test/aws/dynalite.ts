import path from 'node:path';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { freePort, startServerProcess } from '../support/server-process.js';

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

let tables = 0;

/**
 * Start `dynalite` on a free loopback port, tables created instantly, and wait
 * until it answers. Throws, failing the suite loudly, if it cannot start.
 */
export async function startDynalite(): Promise<Dynalite> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { AWS_ACCESS_KEY_ID: 'dynalite', AWS_SECRET_ACCESS_KEY: 'dynalite', AWS_REGION: 'us-east-1' };
  const client = new DynamoDBClient({ endpoint, region: env.AWS_REGION, credentials: { accessKeyId: 'dynalite', secretAccessKey: 'dynalite' } });
  const server = await startServerProcess({
    name: `dynalite on port ${port}`,
    command: path.resolve('node_modules/.bin/dynalite'),
    args: ['--port', String(port), '--host', '127.0.0.1', '--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'],
    ready: () => client.send(new CreateTableCommand(tableSpec('ready-probe'))),
  }).catch((err: unknown) => {
    client.destroy();
    throw err;
  });
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
      await server.stop();
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
