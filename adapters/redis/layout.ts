import { PolyfaasError } from '../../src/index.js';
import type { KvRecord } from '../../src/adapter.js';

/**
 * How one entry sits in a Redis string: 16 hex chars of version, 16 hex chars
 * of expiry (epoch ms, zero for none), then the encoded value. One GET reads
 * all three, and the Lua scripts can compare versions and expiries on the server.
 */
export const VERSION_CHARS = 16;
const HEADER_CHARS = 32;

/** The string to store for a record. */
export function packRecord(version: string, expiresAt: number | undefined, data: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(HEADER_CHARS + data.byteLength);
  out.write(version, 0, VERSION_CHARS, 'latin1');
  out.write(expiryHex(expiresAt), VERSION_CHARS, HEADER_CHARS - VERSION_CHARS, 'latin1');
  out.set(data, HEADER_CHARS);
  return out;
}

/** The expiry field: 16 hex chars, `0…0` for none. */
export function expiryHex(expiresAt: number | undefined): string {
  return (expiresAt ?? 0).toString(16).padStart(16, '0');
}

/** Read a stored string back; `DataLoss` if it was not written by {@link packRecord}. */
export function unpackRecord(raw: Buffer): KvRecord {
  if (raw.byteLength < HEADER_CHARS + 1) throw new PolyfaasError('DataLoss', 'A Redis key-value entry is corrupt');
  const version = raw.toString('latin1', 0, VERSION_CHARS);
  const expiresAt = Number.parseInt(raw.toString('latin1', VERSION_CHARS, HEADER_CHARS), 16);
  const data = new Uint8Array(raw.buffer, raw.byteOffset + HEADER_CHARS, raw.byteLength - HEADER_CHARS);
  return expiresAt ? { data, version, expiresAt } : { data, version };
}
