import type * as DynamoSdk from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { PolyfaasError } from '../../../src/index.js';
import {
  addCounter,
  backoff,
  decodeCounter,
  DriverKeyValueStore,
  encodeCounter,
  isExpired,
  lazy,
  newKvVersion,
  registerKeyValueScheme,
} from '../../../src/adapter.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from '../../../src/adapter.js';
import { classifyDynamoError } from './dynamo-errors.js';

/** Options for {@link DynamoKeyValueStore}. */
export interface DynamoKeyValueStoreOptions {
  /** The table: partition key `pk` (string), no sort key. */
  table: string;
  /** Prepended to every key, so several stores can share one table. */
  prefix?: string;
  /** A client you made (credentials, retries); otherwise one is made from `clientConfig` on first use. */
  client?: DynamoDBClient;
  clientConfig?: DynamoDBClientConfig;
}

// Attribute names: the partition key, the encoded value, the version, the expiry in ms
// (what reads enforce) and in seconds (what DynamoDB's own TTL reaper reads).
// Every item has `exp`, "never" being a far-future sentinel, so a live check is one comparison.
const PK = 'pk';
const NEVER = Number.MAX_SAFE_INTEGER;
const LIVE = '#exp > :now';
const GONE = 'attribute_not_exists(pk) OR #exp <= :now';

/**
 * A key-value store in a DynamoDB table. Conditional writes decide
 * `ifAbsent` and compare-and-swap on the server; reads are strongly
 * consistent. TTLs are enforced on read (`exp`, ms; 2^53 − 1 means never) and also written as
 * `ttl` (epoch seconds), so enabling the table's TTL on `ttl` lets DynamoDB
 * delete expired items itself. A counter made by `increment` is a number
 * attribute (`n`) that one conditional update adds to.
 *
 * Table: `aws dynamodb create-table --table-name state --attribute-definitions
 * AttributeName=pk,AttributeType=S --key-schema AttributeName=pk,KeyType=HASH
 * --billing-mode PAY_PER_REQUEST`.
 *
 * @example
 * ```ts
 * const kv = new DynamoKeyValueStore({ table: 'state' });
 * // or: registerSchemes(); await openKeyValueStore('dynamodb://state')
 * ```
 */
export class DynamoKeyValueStore extends DriverKeyValueStore {
  constructor(options: DynamoKeyValueStoreOptions) {
    super(new DynamoKvDriver(options));
  }
}

type Sdk = typeof DynamoSdk;
// The SDK is loaded on first use, as the S3 driver's is: a function that never touches DynamoDB never parses it.
const loadSdk: () => Promise<Sdk> = lazy(() => import('@aws-sdk/client-dynamodb'));

class DynamoKvDriver implements KeyValueDriver {
  readonly name: string;
  private readonly table: string;
  private readonly prefix: string;
  private readonly client: () => Promise<DynamoDBClient>;
  private readonly owned: boolean;

  constructor(options: DynamoKeyValueStoreOptions) {
    if (!options.table) throw new PolyfaasError('InvalidArgument', 'DynamoDB store needs a table name');
    this.table = options.table;
    this.prefix = options.prefix ?? '';
    this.name = `dynamodb://${options.table}`;
    const given = options.client;
    this.owned = !given;
    this.client = lazy(async () => {
      if (given) return given;
      const sdk = await loadSdk();
      const region = options.clientConfig?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
      return new sdk.DynamoDBClient({ ...options.clientConfig, region });
    });
  }

  async get(key: string): Promise<KvRecord | undefined> {
    const [sdk, client] = await Promise.all([loadSdk(), this.client()]);
    const { Item: item } = await client.send(new sdk.GetItemCommand({ TableName: this.table, Key: this.key(key), ConsistentRead: true }));
    if (!item) return undefined;
    // A counter made by `increment` keeps its value as a number (`n`) so DynamoDB can add to it.
    const data = item.n?.N !== undefined ? encodeCounter(Number(item.n.N)) : item.v?.B;
    const version = item.ver?.S;
    if (!data || !version) throw new PolyfaasError('DataLoss', 'A DynamoDB key-value item is missing its value or version');
    const exp = item.exp?.N === undefined ? NEVER : Number(item.exp.N);
    const expiresAt = exp >= NEVER ? undefined : exp;
    return expiresAt === undefined ? { data, version } : { data, version, expiresAt };
  }

  async put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const [sdk, client] = await Promise.all([loadSdk(), this.client()]);
    const version = newKvVersion();
    const item: Record<string, AttributeValue> = { ...this.key(key), v: { B: data }, ver: { S: version }, exp: { N: String(options.expiresAt ?? NEVER) } };
    if (options.expiresAt !== undefined) item.ttl = { N: String(Math.ceil(options.expiresAt / 1000)) };
    const condition = options.ifAbsent
      ? { ConditionExpression: GONE, ExpressionAttributeNames: { '#exp': 'exp' }, ExpressionAttributeValues: { ':now': { N: String(Date.now()) } } }
      : options.ifVersion !== undefined
        ? this.versionCondition(options.ifVersion)
        : {};
    try {
      await client.send(new sdk.PutItemCommand({ TableName: this.table, Item: item, ...condition }));
    } catch (err) {
      throw refused(err, options.ifAbsent ? 'An entry already exists at this key' : 'The entry is missing or has another version');
    }
    return { version };
  }

  async delete(key: string, options: { ifVersion?: string }): Promise<void> {
    const [sdk, client] = await Promise.all([loadSdk(), this.client()]);
    const condition = options.ifVersion === undefined ? {} : this.versionCondition(options.ifVersion);
    try {
      await client.send(new sdk.DeleteItemCommand({ TableName: this.table, Key: this.key(key), ...condition }));
    } catch (err) {
      throw refused(err, 'The entry is missing or has another version');
    }
  }

  /**
   * One round trip for a live counter: an `ADD`-style update guarded by a
   * condition (a live counter whose result stays a safe integer). A missing
   * or expired entry is created with a conditional put; a live JSON integer
   * written by `put` becomes a counter by compare-and-swap.
   */
  async increment(key: string, by: number, options: { expiresAt?: number }): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const added = await this.addToCounter(key, by);
      if (added !== undefined) return added;
      if (await this.writeCounter(key, by, options.expiresAt, undefined)) return by;
      const record = await this.get(key);
      if (record && !isExpired(record.expiresAt)) {
        // Throws InvalidArgument for a non-integer, or for a counter the addition would take out of range.
        const next = addCounter(decodeCounter(record.data), by);
        if (await this.writeCounter(key, next, record.expiresAt, record.version)) return next;
      }
      await backoff(attempt, performance.now() - started);
    }
  }

  /** Add to a live counter; `undefined` if there is none (or the result would leave the safe-integer range). */
  private async addToCounter(key: string, by: number): Promise<number | undefined> {
    const [sdk, client] = await Promise.all([loadSdk(), this.client()]);
    const low = Math.max(-Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER - by);
    const high = Math.min(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER - by);
    try {
      const { Attributes: after } = await client.send(
        new sdk.UpdateItemCommand({
          TableName: this.table,
          Key: this.key(key),
          UpdateExpression: 'SET #n = #n + :by, #ver = :ver',
          ConditionExpression: `attribute_exists(#n) AND ${LIVE} AND #n BETWEEN :low AND :high`,
          ExpressionAttributeNames: { '#n': 'n', '#ver': 'ver', '#exp': 'exp' },
          ExpressionAttributeValues: {
            ':by': { N: String(by) },
            ':ver': { S: newKvVersion() },
            ':now': { N: String(Date.now()) },
            ':low': { N: String(low) },
            ':high': { N: String(high) },
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(after?.n?.N);
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }

  /** Write a counter item: where nothing live is (`version` undefined) or over exactly `version`. False if that condition failed. */
  private async writeCounter(key: string, value: number, expiresAt: number | undefined, version: string | undefined): Promise<boolean> {
    const [sdk, client] = await Promise.all([loadSdk(), this.client()]);
    const item: Record<string, AttributeValue> = { ...this.key(key), n: { N: String(value) }, ver: { S: newKvVersion() }, exp: { N: String(expiresAt ?? NEVER) } };
    if (expiresAt !== undefined) item.ttl = { N: String(Math.ceil(expiresAt / 1000)) };
    const condition =
      version === undefined
        ? { ConditionExpression: GONE, ExpressionAttributeNames: { '#exp': 'exp' }, ExpressionAttributeValues: { ':now': { N: String(Date.now()) } } }
        : this.versionCondition(version);
    try {
      await client.send(new sdk.PutItemCommand({ TableName: this.table, Item: item, ...condition }));
      return true;
    } catch (err) {
      if ((err as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async close(): Promise<void> {
    if (this.owned) (await this.client()).destroy();
  }

  classifyError(err: unknown) {
    return classifyDynamoError(err);
  }

  private key(key: string): Record<string, AttributeValue> {
    return { [PK]: { S: this.prefix + key } };
  }

  private versionCondition(version: string) {
    return {
      ConditionExpression: `#ver = :ver AND ${LIVE}`,
      ExpressionAttributeNames: { '#ver': 'ver', '#exp': 'exp' },
      ExpressionAttributeValues: { ':ver': { S: version }, ':now': { N: String(Date.now()) } },
    };
  }
}

/** A failed condition as `PreconditionFailed`; anything else unchanged. */
function refused(err: unknown, message: string): unknown {
  return (err as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException' ? new PolyfaasError('PreconditionFailed', message, { cause: err }) : err;
}

/**
 * Let `openKeyValueStore('dynamodb://table?prefix=app:')` open a
 * {@link DynamoKeyValueStore}. `?endpoint=` and `?region=` override the
 * client's (DynamoDB Local, dynalite); stores share one client per endpoint.
 */
export function registerKeyValueSchemes(clientConfig: DynamoDBClientConfig = {}): void {
  const clients = new Map<string, () => Promise<DynamoDBClient>>();
  registerKeyValueScheme('dynamodb', async (url) => {
    if (!url.hostname) throw new PolyfaasError('InvalidArgument', 'Use dynamodb://<table>');
    const endpoint = url.searchParams.get('endpoint') ?? '';
    const region = url.searchParams.get('region') ?? '';
    const id = `${endpoint}\n${region}`;
    let client = clients.get(id);
    if (!client) {
      client = lazy(async () => {
        const sdk = await loadSdk();
        const resolvedRegion = region || clientConfig.region || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
        return new sdk.DynamoDBClient({ ...clientConfig, region: resolvedRegion, ...(endpoint ? { endpoint } : {}) });
      });
      clients.set(id, client);
    }
    return new DynamoKeyValueStore({ table: url.hostname, prefix: url.searchParams.get('prefix') ?? '', client: await client() });
  });
}
