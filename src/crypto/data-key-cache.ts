import { randomBytes } from 'node:crypto';
import type { Keyring, WrapContext } from './key-encryption-key.js';

/** Bytes of a data key: AES-256. */
export const DATA_KEY_BYTES = 32;

/**
 * Reuse of data keys, bounded in time and count. Off by default: every write
 * then wraps a fresh data key (one key-service call) and every read unwraps one.
 *
 * The trade-off: within a window, the objects written share one data key
 * (each still gets its own derived key and nonces, so nothing repeats), and
 * readers keep unwrapped keys in memory. A leaked data key exposes every
 * object written with it, not one; and disabling or revoking the key-encryption
 * key stops new wraps at once but not the use of keys already cached, until
 * they expire. Fewer key-service calls also mean fewer entries in its audit log.
 */
export interface DataKeyCacheOptions {
  /** How long a data key may be used for writing or kept unwrapped for reading, ms. */
  maxAgeMs: number;
  /** Objects one data key may encrypt; also the most unwrapped keys kept for reading. */
  maxUses: number;
}

/** A data key ready to encrypt with, and how it is stored. */
export interface DataKey {
  readonly plaintext: Uint8Array;
  readonly keyId: string;
  readonly wrapped: Uint8Array;
}

interface WriteEntry {
  key: Promise<DataKey>;
  created: number;
  uses: number;
  keyId: string;
}

/**
 * Data keys of one encrypted bucket: new ones (wrapped with the keyring's
 * current key) and unwrapped ones, each cached only if caching is on.
 */
export class DataKeys {
  private writing: WriteEntry | undefined;
  private readonly reading = new Map<string, { key: Promise<Uint8Array>; created: number }>();

  constructor(
    private readonly keys: Keyring,
    private readonly context: WrapContext,
    private readonly cache: DataKeyCacheOptions | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** A data key for one new object: at most one wrap call, none while a cached key is still fresh. */
  forWrite(): Promise<DataKey> {
    const kek = this.keys.current;
    const entry = this.writing;
    if (this.cache && entry && entry.keyId === kek.id && entry.uses < this.cache.maxUses && this.now() - entry.created < this.cache.maxAgeMs) {
      entry.uses++;
      return entry.key;
    }
    const plaintext = randomBytes(DATA_KEY_BYTES);
    const key = kek.wrap(plaintext, this.context).then((wrapped) => ({ plaintext, keyId: kek.id, wrapped }));
    if (this.cache) {
      const fresh: WriteEntry = { key, created: this.now(), uses: 1, keyId: kek.id };
      this.writing = fresh;
      key.catch(() => {
        if (this.writing === fresh) this.writing = undefined;
      });
    }
    return key;
  }

  /** The data key of a stored object: at most one unwrap call, none if cached. */
  forRead(keyId: string, wrapped: Uint8Array, unwrap: () => Promise<Uint8Array>): Promise<Uint8Array> {
    if (!this.cache) return unwrap();
    const id = `${keyId}\u0000${Buffer.from(wrapped).toString('base64')}`;
    const found = this.reading.get(id);
    if (found && this.now() - found.created < this.cache.maxAgeMs) return found.key;
    this.reading.delete(id);
    const key = unwrap();
    this.reading.set(id, { key, created: this.now() });
    key.catch(() => this.reading.delete(id));
    // Oldest first in a Map: drop from the front until within bounds.
    for (const oldest of this.reading.keys()) {
      if (this.reading.size <= this.cache.maxUses) break;
      this.reading.delete(oldest);
    }
    return key;
  }
}
