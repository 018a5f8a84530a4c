import path from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { isPolyfaasError, openKeyValueStore } from '../../../src/index.js';
import { runKeyValueConformance } from '../../../src/testing/index.js';
import { startDynalite } from '../../../test/aws/dynalite.js';
import { DynamoKeyValueStore, registerSchemes } from '../index.js';

const dynalite = await startDynalite();
afterAll(() => dynalite.stop());
const table = await dynalite.createTable();

runKeyValueConformance('dynamodb (dynalite)', {
  open: async () => new DynamoKeyValueStore({ table, client: dynalite.client }),
  processes: {
    url: `dynamodb://${table}?endpoint=${encodeURIComponent(dynalite.endpoint)}`,
    module: path.resolve(import.meta.dirname, '../index.ts'),
    env: dynalite.env,
  },
});

describe('DynamoKeyValueStore', () => {
  it('opens by dynamodb:// URL with a prefix, and writes the TTL attribute DynamoDB reaps by', async () => {
    Object.assign(process.env, dynalite.env);
    registerSchemes();
    const kv = await openKeyValueStore(`dynamodb://${table}?prefix=app:&endpoint=${encodeURIComponent(dynalite.endpoint)}`);
    expect(kv.name).toBe(`dynamodb://${table}`);
    const { expiresAt } = await kv.put('k', 'v', { ttlMs: 60_000 });
    const { Item: item } = await dynalite.client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'app:k' } } }));
    expect(item?.ttl?.N).toBe(String(Math.ceil((expiresAt as number) / 1000)));
    expect(item?.exp?.N).toBe(String(expiresAt));
  });

  it('answers NotFound when the table does not exist', async () => {
    const kv = new DynamoKeyValueStore({ table: 'no-such-table', client: dynalite.client });
    const err = await kv.get('x').catch((e: unknown) => e);
    expect(isPolyfaasError(err, 'NotFound')).toBe(true);
  });
});
