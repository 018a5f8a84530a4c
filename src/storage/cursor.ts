import { PolyfaasError } from '../errors.js';

/** Encode "list after this key" as an opaque cursor, so callers never depend on its shape. */
export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}

/** Decode a cursor made by {@link encodeCursor}; garbage is `InvalidArgument`. */
export function decodeCursor(cursor: string): string {
  const key = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!key || encodeCursor(key) !== cursor) throw new PolyfaasError('InvalidArgument', 'Invalid list cursor');
  return key;
}
