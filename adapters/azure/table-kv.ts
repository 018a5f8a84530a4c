import type { TableClient, TableEntityResult } from '@azure/data-tables';
import { PolyfaasError } from '../../src/index.js';
import { DriverKeyValueStore, isExpired, kvKeyDigest, lazy, registerKeyValueScheme, SeenVersions } from '../../src/adapter.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from '../../src/adapter.js';
import { CONNECTION_STRING_ENV } from './blob-bucket.js';
import { classifyTableError, statusOf } from './table-errors.js';

/** Options for {@link AzureTableKeyValueStore}. */
export interface AzureTableKeyValueStoreOptions {
  /** The table (must exist). */
  table: string;
  /** Prepended to every key, so several stores can share one table. */
  prefix?: string;
  /** Account connection string. Default: `AZURE_STORAGE_CONNECTION_STRING`. */
  connectionString?: string;
  /** A ready client (managed identity, SAS...); wins over `connectionString`. */
  client?: TableClient;
}

// A binary property holds at most 64 KiB: values are split over v0…v4 (5 × 64000 B ≥ 256 KiB + tag).
// Each part is a copy: the SDK serialises a view's whole underlying buffer, not just the view.
const CHUNK_BYTES = 64_000;
const ROW = 'kv';

type Entity = Record<string, unknown> & { partitionKey: string; rowKey: string };

/**
 * A key-value store in an Azure Storage table (or Cosmos DB's Table API).
 * The entity's ETag is the version: `ifAbsent` creates (409 if present),
 * compare-and-swap replaces with `If-Match`, so the service decides races.
 * Each entry is one entity whose partition key is the SHA-256 of the key
 * (table keys forbid `/`, `\`, `#`, `?`); the value sits in binary properties `v0`…`v4`.
 * TTLs are enforced on read (`exp`); tables have no reaper, so expired
 * entities stay until overwritten. Increments are compare-and-swap loops.
 *
 * @example
 * ```ts
 * const kv = new AzureTableKeyValueStore({ table: 'state' });
 * // or: registerSchemes(); await openKeyValueStore('aztable://state')
 * ```
 */
export class AzureTableKeyValueStore extends DriverKeyValueStore {
  constructor(options: AzureTableKeyValueStoreOptions) {
    super(new TableKvDriver(options));
  }
}

class TableKvDriver implements KeyValueDriver {
  readonly name: string;
  private readonly prefix: string;
  private readonly client: () => Promise<TableClient>;
  private readonly seen = new SeenVersions();

  constructor(options: AzureTableKeyValueStoreOptions) {
    if (!options.table) throw new PolyfaasError('InvalidArgument', 'Azure Table store needs a table name');
    this.name = `aztable://${options.table}`;
    this.prefix = options.prefix ?? '';
    const given = options.client;
    const connectionString = options.connectionString ?? process.env[CONNECTION_STRING_ENV];
    if (!given && !connectionString) {
      throw new PolyfaasError('InvalidArgument', `Azure Table Storage needs a connection string: set ${CONNECTION_STRING_ENV} or pass one`);
    }
    this.client = lazy(async () => {
      if (given) return given;
      const { TableClient: Client } = await import('@azure/data-tables');
      try {
        // Plain http only reaches a local emulator (Azurite); the SDK refuses it unless told.
        const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(connectionString as string);
        return Client.fromConnectionString(connectionString as string, options.table, { allowInsecureConnection: insecure });
      } catch (err) {
        throw new PolyfaasError('InvalidArgument', `${CONNECTION_STRING_ENV} is not a valid connection string`, { cause: err });
      }
    });
  }

  async get(key: string): Promise<KvRecord | undefined> {
    const entity = await this.read(key);
    if (!entity) return undefined;
    const record = toRecord(entity);
    this.seen.remember(key, record.version, record.expiresAt);
    return record;
  }

  async put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const client = await this.client();
    const entity = this.entity(key, data, options.expiresAt);
    const written = (version: string) => {
      this.seen.remember(key, version, options.expiresAt);
      return { version };
    };
    if (options.ifVersion !== undefined) {
      await this.requireLive(key, options.ifVersion);
      return written(await this.replace(client, entity, options.ifVersion));
    }
    if (!options.ifAbsent) return written(etagOf(await client.upsertEntity(entity, 'Replace')));
    for (;;) {
      try {
        return written(etagOf(await client.createEntity(entity)));
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
      }
      // Present: it counts as absent only if expired; replace exactly that entity.
      const current = await this.read(key);
      if (!current) continue;
      if (!isExpired(expiryOf(current))) throw new PolyfaasError('PreconditionFailed', 'An entry already exists at this key');
      try {
        return written(await this.replace(client, entity, current.etag));
      } catch (err) {
        if (!(err instanceof PolyfaasError && err.code === 'PreconditionFailed')) throw err;
      }
    }
  }

  async delete(key: string, options: { ifVersion?: string }): Promise<void> {
    const client = await this.client();
    if (options.ifVersion !== undefined) await this.requireLive(key, options.ifVersion);
    try {
      await client.deleteEntity(this.partition(key), ROW, options.ifVersion === undefined ? {} : { etag: options.ifVersion });
    } catch (err) {
      if (statusOf(err) === 404 && options.ifVersion === undefined) return;
      if (statusOf(err) === 404 || statusOf(err) === 412) throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version', { cause: err });
      throw err;
    }
  }

  classifyError(err: unknown) {
    return classifyTableError(err);
  }

  private async replace(client: TableClient, entity: Entity, etag: string): Promise<string> {
    try {
      return etagOf(await client.updateEntity(entity, 'Replace', { etag }));
    } catch (err) {
      if (statusOf(err) === 404 || statusOf(err) === 412) throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version', { cause: err });
      throw err;
    }
  }

  /**
   * `PreconditionFailed` unless the live entity has ETag `version`. A version
   * seen before is judged by its remembered expiry, leaving the rest to
   * If-Match; others cost a read.
   */
  private async requireLive(key: string, version: string): Promise<void> {
    const known = this.seen.expiryOf(key, version);
    if (known !== undefined && !isExpired(known)) return;
    const current = known === undefined ? await this.read(key) : undefined;
    if (!current || isExpired(expiryOf(current)) || current.etag !== version) {
      throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version');
    }
  }

  private async read(key: string): Promise<TableEntityResult<Record<string, unknown>> | undefined> {
    const client = await this.client();
    try {
      return await client.getEntity(this.partition(key), ROW);
    } catch (err) {
      // A missing table is 404 too, but says so: only a missing entity is "absent".
      if (statusOf(err) === 404 && (err as { details?: { errorCode?: unknown } }).details?.errorCode !== 'TableNotFound') return undefined;
      throw err;
    }
  }

  private entity(key: string, data: Uint8Array, expiresAt: number | undefined): Entity {
    const entity: Entity = { partitionKey: this.partition(key), rowKey: ROW };
    let n = 0;
    for (let offset = 0; offset < data.byteLength || n === 0; offset += CHUNK_BYTES) entity[`v${n++}`] = data.slice(offset, offset + CHUNK_BYTES);
    if (expiresAt !== undefined) entity.exp = expiresAt;
    return entity;
  }

  private partition(key: string): string {
    return kvKeyDigest(this.prefix + key);
  }
}

function toRecord(entity: TableEntityResult<Record<string, unknown>>): KvRecord {
  const chunks: Uint8Array[] = [];
  for (let chunk = entity.v0; chunk instanceof Uint8Array; chunk = entity[`v${chunks.length}`]) chunks.push(chunk);
  if (chunks.length === 0 || !entity.etag) throw new PolyfaasError('DataLoss', 'An Azure Table key-value entity is corrupt');
  const data = chunks.length === 1 ? (chunks[0] as Uint8Array) : new Uint8Array(Buffer.concat(chunks));
  const expiresAt = expiryOf(entity);
  return expiresAt === undefined ? { data, version: entity.etag } : { data, version: entity.etag, expiresAt };
}

function expiryOf(entity: Record<string, unknown>): number | undefined {
  return typeof entity.exp === 'number' ? entity.exp : undefined;
}

function etagOf(response: { etag?: string }): string {
  if (!response.etag) throw new PolyfaasError('Internal', 'Azure Table Storage returned no ETag');
  return response.etag;
}

/**
 * Let `openKeyValueStore('aztable://table?prefix=app:')` open an
 * {@link AzureTableKeyValueStore}; the account comes from `connectionString`
 * or `AZURE_STORAGE_CONNECTION_STRING`.
 */
export function registerKeyValueSchemes(options: { connectionString?: string } = {}): void {
  registerKeyValueScheme('aztable', (url) => {
    if (!url.hostname) throw new PolyfaasError('InvalidArgument', 'Use aztable://<table>');
    return new AzureTableKeyValueStore({ ...options, table: url.hostname, prefix: url.searchParams.get('prefix') ?? '' });
  });
}
