/**
 * Key-value stores vs their raw clients on the same server, 1 KiB values:
 * get, put and one compare-and-swap cycle (read, then write only if
 * unchanged), p50 ms/op, raw and polyfaas alternating one op at a time.
 * - Redis (Debian redis-server, started here): raw `@redis/client` GET / SET
 *   and WATCH + GET + MULTI/SET/EXEC; polyfaas get / put / get + put ifVersion.
 * - DynamoDB (dynalite): raw GetItem / PutItem / GetItem + conditional PutItem.
 * - Azure Tables (Azurite): raw getEntity / upsertEntity / getEntity + updateEntity with If-Match.
 * - bucket-backed store vs the same FileBucket used directly (get / put / get + put ifMatch).
 * Plus the cache helper: a `cached()` hit vs the `get` it wraps, on the memory store.
 *
 * Usage: npx tsx bench/kv-stores.ts [--quick]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { TableClient } from '@azure/data-tables';
import { createClient, RESP_TYPES } from '@redis/client';
import { DynamoKeyValueStore } from '../adapters/aws/dynamodb/dynamo-kv.js';
import { AzureTableKeyValueStore } from '../adapters/azure/table-kv.js';
import { FileBucket } from '../adapters/local/file-bucket.js';
import { MemoryKeyValueStore } from '../adapters/memory/memory-kv.js';
import { RedisKeyValueStore } from '../adapters/redis/redis-kv.js';
import { cached } from '../src/index.js';
import { BucketKeyValueStore } from '../src/adapter.js';
import type { KeyValueStore } from '../src/index.js';
import { startDynalite } from '../test/aws/dynalite.js';
import { startAzuriteTables } from '../test/azure/azurite-table.js';
import { startRedis } from '../test/redis/redis-server.js';
import { compareKv } from './support/kv-compare.js';
import type { KvSide } from './support/kv-compare.js';
import { median, round } from './support/stats.js';
import { runStandalone } from './support/standalone.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const n = opts.quick ? 60 : 400;
  // Redis ops take tens of µs, not ms: 10× the samples (with 400, Redis ratios came out 0.05–0.15 above longer runs).
  return [...(await redisRows(n * 10)), ...(await dynamoRows(n)), ...(await azureRows(n)), ...(await bucketRows(n)), cacheRow(await cacheHit(opts.quick))];
}

/** The polyfaas side of every comparison. */
function oursOf(store: KeyValueStore): KvSide {
  return {
    put: (key, value) => store.put(key, value),
    get: async (key) => ((await store.get<Uint8Array>(key))?.value.byteLength ?? -1),
    cas: async (key, value) => store.put(key, value, { ifVersion: (await store.get(key))?.version as string }),
  };
}

async function redisRows(n: number): Promise<BenchRow[]> {
  const server = await startRedis();
  const client = createClient({ url: server.url }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  await client.connect();
  const store = new RedisKeyValueStore({ url: server.url });
  try {
    const raw: KvSide = {
      put: (key, value) => client.set(key, Buffer.from(value)),
      get: async (key) => (await client.get(key))?.byteLength ?? -1,
      cas: async (key, value) => {
        await client.watch(key);
        await client.get(key);
        return client.multi().set(key, Buffer.from(value)).exec();
      },
    };
    return await compareKv('RedisKeyValueStore (vs raw @redis/client)', n, raw, oursOf(store), 'redis-server 7 on loopback; raw CAS is WATCH/GET/MULTI-EXEC, ours GET + one EVALSHA');
  } finally {
    await store.close();
    await client.close();
    await server.stop();
  }
}

async function dynamoRows(n: number): Promise<BenchRow[]> {
  const dynalite = await startDynalite();
  try {
    const table = await dynalite.createTable('bench');
    const store = new DynamoKeyValueStore({ table, client: dynalite.client, prefix: 'ours:' });
    const send = dynalite.client.send.bind(dynalite.client);
    let version = 0;
    const raw: KvSide = {
      put: (key, value) => send(new PutItemCommand({ TableName: table, Item: { pk: { S: key }, v: { B: value }, ver: { S: String(++version) } } })),
      get: async (key) => (await send(new GetItemCommand({ TableName: table, Key: { pk: { S: key } }, ConsistentRead: true }))).Item?.v?.B?.byteLength ?? -1,
      cas: async (key, value) => {
        const { Item: item } = await send(new GetItemCommand({ TableName: table, Key: { pk: { S: key } }, ConsistentRead: true }));
        return send(
          new PutItemCommand({
            TableName: table,
            Item: { pk: { S: key }, v: { B: value }, ver: { S: String(++version) } },
            ConditionExpression: '#ver = :ver',
            ExpressionAttributeNames: { '#ver': 'ver' },
            ExpressionAttributeValues: { ':ver': { S: item?.ver?.S ?? '' } },
          }),
        );
      },
    };
    return await compareKv('DynamoKeyValueStore (vs raw client-dynamodb)', n, raw, oursOf(store), 'dynalite on loopback, same client');
  } finally {
    await dynalite.stop();
  }
}

async function azureRows(n: number): Promise<BenchRow[]> {
  const azurite = await startAzuriteTables();
  try {
    const table = await azurite.table('bench');
    const client = TableClient.fromConnectionString(azurite.connectionString, table, { allowInsecureConnection: true });
    const store = new AzureTableKeyValueStore({ table, client, prefix: 'ours:' });
    const raw: KvSide = {
      put: (key, value) => client.upsertEntity({ partitionKey: key.replaceAll('/', '_'), rowKey: 'kv', v: value }, 'Replace'),
      get: async (key) => ((await client.getEntity<{ v: Uint8Array }>(key.replaceAll('/', '_'), 'kv')).v?.byteLength ?? -1),
      cas: async (key, value) => {
        const entity = await client.getEntity(key.replaceAll('/', '_'), 'kv');
        return client.updateEntity({ partitionKey: key.replaceAll('/', '_'), rowKey: 'kv', v: value }, 'Replace', { etag: entity.etag });
      },
    };
    return await compareKv('AzureTableKeyValueStore (vs raw data-tables)', n, raw, oursOf(store), 'Azurite table service (in-memory), same client');
  } finally {
    await azurite.stop();
  }
}

async function bucketRows(n: number): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-bench-kv-'));
  try {
    const bucket = new FileBucket(dir, { durable: false });
    const raw: KvSide = {
      put: (key, value) => bucket.put(key, value),
      get: async (key) => (await bucket.get(key)).body.byteLength,
      cas: async (key, value) => bucket.put(key, value, { ifMatch: (await bucket.get(key)).etag }),
    };
    return await compareKv(
      'BucketKeyValueStore (vs the FileBucket itself)',
      n,
      raw,
      oursOf(new BucketKeyValueStore(bucket)),
      'FileBucket without fsync; ours names objects by SHA-256 and writes an expiry into metadata',
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median µs per call, batches of 1000, of a `cached()` hit and of the bare `get`. */
async function cacheHit(quick: boolean): Promise<{ hit: number; get: number }> {
  const store = new MemoryKeyValueStore('bench-cache');
  await cached(store, 'meta', 60_000, () => ({ labels: 10, input: [28, 28] }));
  const samples = { hit: [] as number[], get: [] as number[] };
  for (let round = 0; round < (quick ? 20 : 100); round++) {
    let start = performance.now();
    for (let i = 0; i < 1000; i++) await cached(store, 'meta', 60_000, () => ({ labels: 0, input: [] }));
    samples.hit.push(performance.now() - start);
    start = performance.now();
    for (let i = 0; i < 1000; i++) await store.get('meta');
    samples.get.push(performance.now() - start);
  }
  return { hit: median(samples.hit), get: median(samples.get) };
}

function cacheRow({ hit, get }: { hit: number; get: number }): BenchRow {
  return ratioRow({
    metric: 'cached() hit (vs the store get it wraps), memory store',
    baseline: round(get, 3),
    polyfaas: round(hit, 3),
    unit: 'µs/call p50',
    ratio: 'polyfaas/baseline',
    note: 'batches of 1000 awaited calls; JSON value decoded on every hit',
  });
}

await runStandalone(import.meta.url, run);
