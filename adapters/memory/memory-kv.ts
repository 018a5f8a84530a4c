import { PolyfaasError } from '../../src/index.js';
import { addCounter, copyBytes, decodeCounter, DriverKeyValueStore, encodeCounter, isExpired, registerKeyValueScheme } from '../../src/adapter.js';
import type { DriverKvPutOptions, KeyValueDriver, KvRecord } from '../../src/adapter.js';

/**
 * A key-value store held in process memory, for unit tests and the memory
 * runtime. Same behaviour and errors as every other driver (it runs the same
 * conformance suite); state is per process, so it cannot be shared with
 * other processes or instances.
 *
 * @example
 * ```ts
 * const kv = new MemoryKeyValueStore('test');
 * await kv.put('a', { n: 1 });
 * ```
 */
export class MemoryKeyValueStore extends DriverKeyValueStore {
  constructor(name = 'memory') {
    super(new MemoryKvDriver(`mem://${name}`));
  }
}

let versions = 0;

class MemoryKvDriver implements KeyValueDriver {
  private readonly records = new Map<string, KvRecord>();

  constructor(readonly name: string) {}

  get(key: string): Promise<KvRecord | undefined> {
    return Promise.resolve(this.live(key));
  }

  put(key: string, data: Uint8Array, options: DriverKvPutOptions): Promise<{ version: string }> {
    const current = this.live(key);
    if (options.ifAbsent && current) return Promise.reject(new PolyfaasError('PreconditionFailed', 'An entry already exists at this key'));
    if (options.ifVersion !== undefined && current?.version !== options.ifVersion) {
      return Promise.reject(new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version'));
    }
    return Promise.resolve({ version: this.store(key, copyBytes(data), options.expiresAt) });
  }

  delete(key: string, options: { ifVersion?: string }): Promise<void> {
    if (options.ifVersion !== undefined && this.live(key)?.version !== options.ifVersion) {
      return Promise.reject(new PolyfaasError('PreconditionFailed', 'The entry is missing or has another version'));
    }
    this.records.delete(key);
    return Promise.resolve();
  }

  increment(key: string, by: number, options: { expiresAt?: number }): Promise<number> {
    try {
      const current = this.live(key);
      const next = addCounter(current ? decodeCounter(current.data) : 0, by);
      this.store(key, encodeCounter(next), current ? current.expiresAt : options.expiresAt);
      return Promise.resolve(next);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private store(key: string, data: Uint8Array, expiresAt: number | undefined): string {
    const version = String(++versions);
    this.records.set(key, expiresAt === undefined ? { data, version } : { data, version, expiresAt });
    return version;
  }

  /** The record unless expired (expired ones are dropped here, lazily). */
  private live(key: string): KvRecord | undefined {
    const record = this.records.get(key);
    if (record && isExpired(record.expiresAt)) {
      this.records.delete(key);
      return undefined;
    }
    return record;
  }
}

const named = new Map<string, MemoryKeyValueStore>();

/** Let `openKeyValueStore('mem://name')` work; the same name opens the same store within a process. */
export function registerKeyValueSchemes(): void {
  registerKeyValueScheme('mem', (url) => {
    const name = url.hostname + url.pathname.replace(/\/$/, '');
    let store = named.get(name);
    if (!store) named.set(name, (store = new MemoryKeyValueStore(name)));
    return store;
  });
}
