import type { createClient } from '@redis/client';
import { PolyfaasError } from '../../src/index.js';
import { DriverKeyValueStore, newKvVersion, registerKeyValueScheme } from '../../src/adapter.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from '../../src/adapter.js';
import { classifyRedisError } from './errors.js';
import { expiryHex, packRecord, unpackRecord } from './layout.js';
import type { LuaScript } from './scripts.js';
import { CONDITIONAL_DELETE, CONDITIONAL_PUT, INCREMENT } from './scripts.js';

/** A node-redis client (from `@redis/client`'s `createClient`). */
export type RedisClient = ReturnType<typeof createClient>;

/** Options for {@link RedisKeyValueStore}. */
export interface RedisKeyValueStoreOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://` for TLS. Default `redis://localhost:6379`. */
  url?: string;
  /** Prepended to every key, so several apps can share one database. */
  prefix?: string;
  /** A client you manage (connected or not); the store then never closes it. */
  client?: RedisClient;
}

/**
 * A key-value store in Redis (ElastiCache, Memorystore, Azure Cache for Redis,
 * or your own), through the maintained `@redis/client`.
 *
 * Every operation is one round trip: `GET`, `SET … PXAT`, or a Lua script
 * (EVALSHA) for the conditional ones and increments, so compare-and-swap is
 * decided atomically on the server. Each entry is a Redis string holding its
 * version and expiry before the value; Redis reaps expired keys itself.
 *
 * @example
 * ```ts
 * const kv = new RedisKeyValueStore({ url: process.env.REDIS_URL, prefix: 'shop:' });
 * // or: registerSchemes(); await openKeyValueStore('redis://cache:6379?prefix=shop:')
 * ```
 */
export class RedisKeyValueStore extends DriverKeyValueStore {
  constructor(options: RedisKeyValueStoreOptions = {}) {
    super(new RedisKvDriver(options));
  }
}

// Replies as Buffers: values are bytes, and a UTF-8 decode would mangle them.
const BUFFERS = { typeMapping: { 36: Buffer } } as const; // 36 = RESP blob string ('$')

class RedisKvDriver implements KeyValueDriver {
  readonly name: string;
  private readonly prefix: string;
  private readonly owned: boolean;
  private readonly given: RedisClient | undefined;
  private readonly url: string;
  private connecting: Promise<RedisClient> | undefined;
  /** The connected client, once there is one: the hot path skips a promise. */
  private ready: RedisClient | undefined;

  constructor(options: RedisKeyValueStoreOptions) {
    const url = options.url ?? 'redis://localhost:6379';
    this.name = safeName(url);
    this.prefix = options.prefix ?? '';
    this.owned = !options.client;
    this.given = options.client;
    this.url = url;
  }

  /**
   * The connected client, connecting on first use. A client that gave up
   * reconnecting is dropped, so the next call (say, the next invocation of a
   * function whose instance outlived a Redis failover) connects afresh.
   */
  private client(): Promise<RedisClient> {
    this.connecting ??= (async () => {
      const client = this.given ?? (await newClient(this.url));
      if (!client.isOpen) await client.connect();
      this.ready = client;
      return client;
    })();
    const current = this.connecting;
    current.catch(() => {
      if (this.connecting === current) this.connecting = undefined;
    });
    return current;
  }

  async get(key: string): Promise<KvRecord | undefined> {
    const raw = await this.send<Buffer | null>(['GET', this.prefix + key]);
    return raw ? unpackRecord(raw) : undefined;
  }

  async put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const version = newKvVersion();
    const packed = packRecord(version, options.expiresAt, data);
    const name = this.prefix + key;
    if (!options.ifAbsent && options.ifVersion === undefined) {
      await this.send(options.expiresAt === undefined ? ['SET', name, packed] : ['SET', name, packed, 'PXAT', String(options.expiresAt)]);
      return { version };
    }
    const mode = options.ifAbsent ? 'absent' : 'version';
    const done = await this.eval(CONDITIONAL_PUT, name, [mode, String(Date.now()), options.ifVersion ?? '', packed, String(options.expiresAt ?? 0)]);
    if (done !== 1) throw new PolyfaasError('PreconditionFailed', options.ifAbsent ? 'An entry already exists at this key' : 'The entry is missing or has another version');
    return { version };
  }

  async delete(key: string, options: { ifVersion?: string }): Promise<void> {
    if (options.ifVersion === undefined) {
      await this.send(['DEL', this.prefix + key]);
      return;
    }
    const done = await this.eval(CONDITIONAL_DELETE, this.prefix + key, ['', String(Date.now()), options.ifVersion]);
    if (done !== 1) throw new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version');
  }

  async increment(key: string, by: number, options: { expiresAt?: number }): Promise<number> {
    const reply = await this.eval(INCREMENT, this.prefix + key, [
      String(by),
      String(Date.now()),
      newKvVersion(),
      expiryHex(options.expiresAt),
      String(options.expiresAt ?? 0),
    ]);
    const text = Buffer.isBuffer(reply) ? reply.toString('latin1') : String(reply);
    if (text === 'notint') throw new PolyfaasError('InvalidArgument', 'Cannot increment: the stored value is not an integer');
    if (text === 'range') throw new PolyfaasError('InvalidArgument', 'Increment leaves the safe-integer range');
    return Number(text);
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    const client = await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    this.ready = undefined;
    if (client?.isOpen) await client.close();
  }

  classifyError(err: unknown) {
    return classifyRedisError(err);
  }

  /** EVALSHA, loading the script with EVAL when the server does not know it yet (new server, SCRIPT FLUSH). */
  private async eval(lua: LuaScript, key: string, args: (string | Buffer)[]): Promise<unknown> {
    try {
      return await this.send(['EVALSHA', lua.sha, '1', key, ...args]);
    } catch (err) {
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return this.send(['EVAL', lua.source, '1', key, ...args]);
    }
  }

  private send<T>(args: (string | Buffer)[]): Promise<T> {
    const ready = this.ready;
    if (ready && !ready.isOpen && this.owned) {
      // It gave up reconnecting: start over rather than fail on it again.
      this.connecting = undefined;
      this.ready = undefined;
    } else if (ready?.isOpen) return ready.sendCommand<T>(args, BUFFERS).catch((err: unknown) => this.dropIfClosed(ready, err));
    return this.client().then((client) => client.sendCommand<T>(args, BUFFERS).catch((err: unknown) => this.dropIfClosed(client, err)));
  }

  /** Forget a client that gave up reconnecting, so the next call connects afresh; rethrow. */
  private dropIfClosed(client: RedisClient, err: unknown): never {
    if (!client.isOpen && this.owned) {
      this.connecting = undefined;
      this.ready = undefined;
    }
    throw err;
  }
}

async function newClient(url: string): Promise<RedisClient> {
  const { createClient: create } = await import('@redis/client');
  const client = create({
    url,
    // Fail calls within a second when the server is gone, rather than queueing them; the next call reconnects.
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => (retries >= 3 ? false : 50 * 2 ** retries) },
  });
  // node-redis emits socket errors as events; an unhandled one would crash the process. Calls still reject.
  client.on('error', () => undefined);
  return client as RedisClient;
}

/** The URL without credentials or query, for names and logs. */
function safeName(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', 'Not a redis:// URL', { cause: err });
  }
}

/**
 * Let `openKeyValueStore('redis://host:port/db?prefix=app:')` (and `rediss://`
 * for TLS) open a {@link RedisKeyValueStore}; each store has its own connection.
 *
 * @example
 * ```ts
 * registerSchemes();
 * const kv = await openKeyValueStore(process.env.REDIS_URL ?? 'redis://localhost:6379');
 * ```
 */
export function registerSchemes(): void {
  const open = (url: URL) => {
    const prefix = url.searchParams.get('prefix') ?? '';
    const bare = new URL(url.href);
    bare.search = '';
    return new RedisKeyValueStore({ url: bare.href, prefix });
  };
  registerKeyValueScheme('redis', open);
  registerKeyValueScheme('rediss', open);
}
