import { PolyfaasError } from '../errors.js';

/** Format version written by this code; the header's first byte. */
export const FORMAT_VERSION = 1;
/** Random bytes per object for the key derivation (HKDF salt). */
export const SALT_BYTES = 16;
/** Random bytes per object that start every segment nonce. */
export const NONCE_PREFIX_BYTES = 7;
/** Header bytes besides the key id and the wrapped key: version, salt, nonce prefix, id length, wrapped length. */
export const FIXED_HEADER_BYTES = 1 + SALT_BYTES + NONCE_PREFIX_BYTES + 1 + 2;

/**
 * The per-object envelope header, format version 1 (all integers big-endian):
 *
 * ```text
 * offset  size  field
 * 0       1     version = 1
 * 1       16    salt            (random; HKDF salt of the object key)
 * 17      7     nonce prefix    (random; first 7 bytes of every segment nonce)
 * 24      1     n = key id length
 * 25      n     key id          (UTF-8; which key-encryption key wrapped the data key)
 * 25+n    2     m = wrapped key length
 * 27+n    m     wrapped data key
 * ```
 *
 * The version, salt and nonce prefix are authenticated through the object key
 * derivation; the key id and wrapped key are authenticated by the key-encryption
 * key itself (a wrong or altered one does not unwrap, or unwraps to a key that
 * fails every segment tag) and can be replaced by {@link rewrap} without
 * touching the segments.
 */
export interface EnvelopeHeader {
  readonly version: number;
  readonly salt: Uint8Array;
  readonly noncePrefix: Uint8Array;
  readonly keyId: string;
  readonly wrappedKey: Uint8Array;
}

/** Serialise a header. */
export function encodeHeader(header: EnvelopeHeader): Buffer {
  const id = Buffer.from(header.keyId, 'utf8');
  if (id.byteLength < 1 || id.byteLength > 255) throw new PolyfaasError('InvalidArgument', 'A key id must be 1 to 255 bytes of UTF-8');
  if (header.wrappedKey.byteLength > 0xffff) throw new PolyfaasError('InvalidArgument', 'Wrapped data key is too long');
  const out = Buffer.alloc(FIXED_HEADER_BYTES + id.byteLength + header.wrappedKey.byteLength);
  let at = out.writeUInt8(header.version, 0);
  at += Buffer.from(header.salt).copy(out, at);
  at += Buffer.from(header.noncePrefix).copy(out, at);
  at = out.writeUInt8(id.byteLength, at);
  at += id.copy(out, at);
  at = out.writeUInt16BE(header.wrappedKey.byteLength, at);
  Buffer.from(header.wrappedKey).copy(out, at);
  return out;
}

/** Parse a header; anything malformed or of an unknown version is `DataLoss`. */
export function decodeHeader(bytes: Uint8Array): EnvelopeHeader {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (why: string) => new PolyfaasError('DataLoss', `Encryption header is unreadable: ${why}`);
  if (buf.byteLength < FIXED_HEADER_BYTES + 1) throw fail('too short');
  const version = buf.readUInt8(0);
  if (version !== FORMAT_VERSION) throw fail(`unknown format version ${version}`);
  let at = 1;
  const salt = buf.subarray(at, (at += SALT_BYTES));
  const noncePrefix = buf.subarray(at, (at += NONCE_PREFIX_BYTES));
  const idLength = buf.readUInt8(at++);
  if (idLength === 0 || at + idLength + 2 > buf.byteLength) throw fail('bad key id length');
  const keyId = buf.subarray(at, (at += idLength)).toString('utf8');
  const wrappedLength = buf.readUInt16BE(at);
  at += 2;
  if (at + wrappedLength !== buf.byteLength) throw fail('bad wrapped key length');
  return { version, salt, noncePrefix, keyId, wrappedKey: buf.subarray(at) };
}
