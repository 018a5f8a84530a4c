import { isPolyfaasError, PolyfaasError, toPolyfaasError } from '../errors.js';
import { addCounter, decodeCounter, decodeKvValue, encodeCounter, encodeKvValue } from './codec.js';
import { validateKvKey, validateTtl } from './limits.js';
import type {
  DriverKvPutOptions,
  KeyValueDriver,
  KeyValueStore,
  KvDeleteOptions,
  KvEntry,
  KvIncrementOptions,
  KvPutOptions,
  KvValue,
  KvWriteResult,
} from './types.js';

/**
 * Put the portable wrapper in front of a key-value driver: keys, TTLs and
 * versions are validated, values encoded and size-checked, expired records
 * hidden, increments done by compare-and-swap when the driver has no native
 * one, and every provider error becomes a coded {@link PolyfaasError} with
 * the original as `cause`.
 *
 * @example
 * ```ts
 * const kv = createKeyValueStore(new MyDriver());
 * await kv.put('a', { n: 1 }, { ifAbsent: true });
 * ```
 */
export function createKeyValueStore(driver: KeyValueDriver): KeyValueStore {
  return new DriverKeyValueStore(driver);
}

/** The portable wrapper as a class, for adapters whose store type has a name of its own. */
export class DriverKeyValueStore implements KeyValueStore {
  readonly name: string;

  constructor(private readonly driver: KeyValueDriver) {
    this.name = driver.name;
  }

  async get<V extends KvValue = KvValue>(key: string): Promise<KvEntry<V> | undefined> {
    validateKvKey(key);
    const record = await this.call('get', () => this.driver.get(key));
    if (!record || isExpired(record.expiresAt)) return undefined;
    const value = decodeKvValue(record.data) as V;
    return record.expiresAt === undefined ? { key, value, version: record.version } : { key, value, version: record.version, expiresAt: record.expiresAt };
  }

  async put(key: string, value: KvValue, options?: KvPutOptions): Promise<KvWriteResult> {
    validateKvKey(key);
    const data = encodeKvValue(value);
    // A plain put (the common case) skips the option checks and the copies they make.
    if (options === undefined || (options.ttlMs === undefined && options.ifAbsent === undefined && options.ifVersion === undefined)) {
      const { version } = await this.call('put', () => this.driver.put(key, data, NO_PUT_OPTIONS));
      return { version };
    }
    const conditions = checkConditions(options);
    const expiresAt = options.ttlMs === undefined ? undefined : (validateTtl(options.ttlMs), Date.now() + options.ttlMs);
    const driverOptions: DriverKvPutOptions = { ...conditions, ...(expiresAt === undefined ? {} : { expiresAt }) };
    const { version } = await this.call('put', () => this.driver.put(key, data, driverOptions));
    return expiresAt === undefined ? { version } : { version, expiresAt };
  }

  async delete(key: string, options: KvDeleteOptions = {}): Promise<void> {
    validateKvKey(key);
    if (options.ifVersion !== undefined) checkVersion(options.ifVersion);
    await this.call('delete', () => this.driver.delete(key, options.ifVersion === undefined ? {} : { ifVersion: options.ifVersion }));
  }

  async increment(key: string, by = 1, options: KvIncrementOptions = {}): Promise<number> {
    validateKvKey(key);
    if (!Number.isSafeInteger(by)) throw new PolyfaasError('InvalidArgument', 'increment needs a safe integer');
    if (options.ttlMs !== undefined) validateTtl(options.ttlMs);
    const expiresAt = options.ttlMs === undefined ? undefined : Date.now() + options.ttlMs;
    const native = this.driver.increment?.bind(this.driver);
    if (native) return this.call('increment', () => native(key, by, expiresAt === undefined ? {} : { expiresAt }));
    return this.call('increment', () => this.incrementByCas(key, by, expiresAt));
  }

  async close(): Promise<void> {
    await this.call('close', async () => this.driver.close?.());
  }

  /** Read, add, write back with `ifVersion` (or `ifAbsent`); retry with jittered backoff on a lost race. */
  private async incrementByCas(key: string, by: number, expiresAt: number | undefined): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const started = performance.now();
      const record = await this.driver.get(key);
      const live = record && !isExpired(record.expiresAt) ? record : undefined;
      const next = addCounter(live ? decodeCounter(live.data) : 0, by);
      const keep = live ? live.expiresAt : expiresAt;
      const options: DriverKvPutOptions = {
        ...(live ? { ifVersion: live.version } : { ifAbsent: true }),
        ...(keep === undefined ? {} : { expiresAt: keep }),
      };
      try {
        await this.driver.put(key, encodeCounter(next), options);
        return next;
      } catch (err) {
        if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      }
      await backoff(attempt, performance.now() - started);
    }
  }

  /** Run a driver call, mapping its failure. A `.catch` rather than an async frame: Redis calls take ~30 µs, and each frame showed. */
  private call<T>(what: string, op: () => Promise<T>): Promise<T> {
    const fail = (err: unknown): never => {
      throw toPolyfaasError(err, `${this.name}: ${what} failed`, (e) => this.driver.classifyError?.(e));
    };
    try {
      return op().catch(fail);
    } catch (err) {
      return Promise.reject(fail(err));
    }
  }
}

const NO_PUT_OPTIONS: DriverKvPutOptions = Object.freeze({});

/** True once `expiresAt` (epoch ms) has passed. Drivers use it too, so "expired" means one thing. */
export function isExpired(expiresAt: number | undefined, now = Date.now()): boolean {
  return expiresAt !== undefined && expiresAt <= now;
}

/**
 * Sleep a jittered exponential backoff, for compare-and-swap loops that lost a
 * race: up to `roundTripMs × 2^attempt` (capped at 100 ms). Scaling by the
 * failed attempt's own duration spreads writers out as far as the backend is
 * slow: fixed millisecond backoffs kept 8 writers on a 5 ms store colliding.
 */
export function backoff(attempt: number, roundTripMs = 1): Promise<void> {
  const cap = Math.min(100, Math.max(1, roundTripMs) * 2 ** Math.min(attempt, 5));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
}

function checkConditions(options: KvPutOptions): Pick<DriverKvPutOptions, 'ifAbsent' | 'ifVersion'> {
  if (options.ifAbsent !== undefined && typeof options.ifAbsent !== 'boolean') {
    throw new PolyfaasError('InvalidArgument', 'ifAbsent must be a boolean');
  }
  if (options.ifAbsent && options.ifVersion !== undefined) {
    throw new PolyfaasError('InvalidArgument', 'Use ifAbsent or ifVersion, not both');
  }
  if (options.ifVersion !== undefined) {
    checkVersion(options.ifVersion);
    return { ifVersion: options.ifVersion };
  }
  return options.ifAbsent ? { ifAbsent: true } : {};
}

function checkVersion(version: unknown): void {
  if (typeof version !== 'string' || version.length === 0 || version.length > 256) {
    throw new PolyfaasError('InvalidArgument', 'ifVersion must be a version string returned by the store');
  }
}
