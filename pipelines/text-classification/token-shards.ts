import { createHash } from 'node:crypto';
import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { putIfAbsent } from '../shared/put-if-absent.js';

/**
 * Token shard format `PFTK` v1, one file per shard:
 *
 * ```text
 * 0     4             magic "PFTK"
 * 4     4             u32 LE version (1)
 * 8     4             u32 LE examples N
 * 12    4             u32 LE sequence length L
 * 16    4·N           labels, int32 LE
 * ...   4·N·L         token ids, int32 LE, row-major
 * ```
 */
const MAGIC = 'PFTK';
const HEADER = 16;

/** A decoded token shard. */
export interface TokenShard {
  readonly labels: Int32Array;
  /** `count × length` token ids. */
  readonly tokens: Int32Array;
  readonly length: number;
}

/** Serialise examples (labels, and `labels.length × length` ids). */
export function encodeTokenShard(labels: Int32Array, tokens: Int32Array, length: number): Uint8Array {
  if (tokens.length !== labels.length * length) throw new PolyfaasError('InvalidArgument', `${tokens.length} token ids for ${labels.length} examples of ${length}`);
  const out = new Uint8Array(HEADER + 4 * labels.length * (1 + length));
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC));
  view.setUint32(4, 1, true);
  view.setUint32(8, labels.length, true);
  view.setUint32(12, length, true);
  labels.forEach((v, i) => view.setInt32(HEADER + 4 * i, v, true));
  const at = HEADER + 4 * labels.length;
  tokens.forEach((v, i) => view.setInt32(at + 4 * i, v, true));
  return out;
}

/** Parse a token shard. @throws `InvalidArgument` if it is not one. */
export function decodeTokenShard(bytes: Uint8Array, name = 'shard'): TokenShard {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < HEADER || new TextDecoder().decode(bytes.subarray(0, 4)) !== MAGIC || view.getUint32(4, true) !== 1) {
    throw new PolyfaasError('InvalidArgument', `${name} is not a PFTK v1 token shard`);
  }
  const count = view.getUint32(8, true);
  const length = view.getUint32(12, true);
  if (bytes.length !== HEADER + 4 * count * (1 + length)) throw new PolyfaasError('InvalidArgument', `${name} has the wrong size for ${count} examples`);
  const labels = new Int32Array(count);
  const tokens = new Int32Array(count * length);
  for (let i = 0; i < count; i++) labels[i] = view.getInt32(HEADER + 4 * i, true);
  const at = HEADER + 4 * count;
  for (let i = 0; i < tokens.length; i++) tokens[i] = view.getInt32(at + 4 * i, true);
  return { labels, tokens, length };
}

/** A shard as a features manifest lists it. */
export interface TokenShardEntry {
  readonly key: string;
  readonly count: number;
  readonly sha256: string;
}

/** Write a shard once (keys derive from the run, so an existing object already holds these bytes). */
export async function writeTokenShard(bucket: Bucket, key: string, bytes: Uint8Array, count: number): Promise<TokenShardEntry> {
  await putIfAbsent(bucket, key, bytes, { contentType: 'application/vnd.polyfaas.token-shard' });
  return { key, count, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Read a shard, checking its SHA-256 against the manifest. @throws `DataLoss` on a mismatch. */
export async function readTokenShard(bucket: Bucket, entry: TokenShardEntry): Promise<TokenShard> {
  const { body } = await bucket.get(entry.key);
  const actual = createHash('sha256').update(body).digest('hex');
  if (actual !== entry.sha256) throw new PolyfaasError('DataLoss', `${entry.key} does not match its manifest checksum`, { details: { key: entry.key } });
  return decodeTokenShard(body, entry.key);
}
