import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import { putIfAbsent } from '../shared/put-if-absent.js';
import type { NormalizeOptions } from './image.js';
import { normalize } from './image.js';
import { sha256Hex } from './layout.js';

/**
 * Training shard format `PFSH` v1, one self-describing file (`.pfs`) per shard:
 *
 * ```text
 * offset  size           content
 * 0       4              magic "PFSH"
 * 4       4              u32 LE format version (1)
 * 8       4              u32 LE header length H (multiple of 8)
 * 12      4              u32 LE reserved (0)
 * 16      H              UTF-8 JSON {@link ShardHeader}, space-padded
 * 16+H    4·count        labels, int32 LE (class index)
 * ...     count·h·w·c    features, uint8, row-major NHWC
 * ```
 *
 * Features are stored as the decoded 8-bit pixels, not Float32: 4× smaller,
 * lossless (the images were 8-bit to begin with), and `value × scale` (scale
 * 1/255) restores the [0, 1] floats; {@link shardFeatures} does that, plus any
 * mean/std. Labels sit first and 8-byte aligned so they can be viewed in place.
 */
export const SHARD_MAGIC = 'PFSH';
/** Current {@link SHARD_MAGIC} format version. */
export const SHARD_VERSION = 1;
const PREAMBLE = 16;

/** Where one example came from: the raw object and the version that was read. */
export interface ShardSource {
  readonly key: string;
  readonly etag: string;
}

/** The JSON header of a shard. */
export interface ShardHeader {
  readonly count: number;
  /** Shape of one example, `[height, width, channels]`. */
  readonly shape: readonly [number, number, number];
  readonly dtype: 'uint8';
  /** Multiply a stored value by this to get the [0, 1] float. */
  readonly scale: number;
  readonly labelDtype: 'int32';
  /** Class names by index, when known. */
  readonly classes?: readonly string[];
  /** One entry per example, in order. */
  readonly sources: readonly ShardSource[];
}

/** A decoded shard. `labels` and `features` may be views into the shard bytes. */
export interface Shard {
  readonly header: ShardHeader;
  readonly labels: Int32Array;
  readonly features: Uint8Array;
}

/** What {@link encodeShard} needs. */
export interface ShardInput {
  readonly shape: readonly [number, number, number];
  readonly labels: ArrayLike<number>;
  /** `labels.length × h × w × c` bytes. */
  readonly features: Uint8Array;
  readonly sources: readonly ShardSource[];
  readonly classes?: readonly string[];
}

/** Serialise examples into one shard file. @throws PolyfaasError `InvalidArgument` on inconsistent sizes. */
export function encodeShard(input: ShardInput): Uint8Array {
  const count = input.labels.length;
  const [h, w, c] = input.shape;
  const size = h * w * c;
  if (input.features.length !== count * size) {
    throw new PolyfaasError('InvalidArgument', `features has ${input.features.length} bytes; ${count} examples of ${h}x${w}x${c} need ${count * size}`);
  }
  if (input.sources.length !== count) throw new PolyfaasError('InvalidArgument', `${input.sources.length} sources for ${count} examples`);
  const header: ShardHeader = {
    count,
    shape: [h, w, c],
    dtype: 'uint8',
    scale: 1 / 255,
    labelDtype: 'int32',
    ...(input.classes ? { classes: input.classes } : {}),
    sources: input.sources.map((s) => ({ key: s.key, etag: s.etag })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(PREAMBLE + headerLength + count * 4 + count * size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(SHARD_MAGIC), 0);
  view.setUint32(4, SHARD_VERSION, true);
  view.setUint32(8, headerLength, true);
  out.set(json, PREAMBLE);
  out.fill(0x20, PREAMBLE + json.length, PREAMBLE + headerLength);
  const labelsAt = PREAMBLE + headerLength;
  for (let i = 0; i < count; i++) view.setInt32(labelsAt + i * 4, input.labels[i]!, true);
  out.set(input.features, labelsAt + count * 4);
  return out;
}

/** Parse a shard file. @throws PolyfaasError `InvalidArgument` if it is not a valid v1 shard. */
export function decodeShard(bytes: Uint8Array, name = 'shard'): Shard {
  const bad = (why: string) => new PolyfaasError('InvalidArgument', `${name} is not a valid shard: ${why}`, { details: { reason: why } });
  if (bytes.length < PREAMBLE || new TextDecoder().decode(bytes.subarray(0, 4)) !== SHARD_MAGIC) throw bad('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== SHARD_VERSION) throw bad(`unsupported version ${version}`);
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length) throw bad('header runs past the end');
  let header: ShardHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength))) as ShardHeader;
  } catch {
    throw bad('header is not JSON');
  }
  const { count, shape } = header;
  if (!Number.isInteger(count) || !Array.isArray(shape) || shape.length !== 3 || header.dtype !== 'uint8') throw bad('malformed header');
  const size = shape[0] * shape[1] * shape[2];
  const labelsAt = PREAMBLE + headerLength;
  const featuresAt = labelsAt + count * 4;
  if (bytes.length !== featuresAt + count * size) throw bad(`expected ${featuresAt + count * size} bytes, got ${bytes.length}`);
  // A view needs 4-byte alignment; bodies from a bucket usually have it, copy when not.
  const labelBytes = bytes.subarray(labelsAt, featuresAt);
  const labels =
    (bytes.byteOffset + labelsAt) % 4 === 0
      ? new Int32Array(bytes.buffer, bytes.byteOffset + labelsAt, count)
      : new Int32Array(labelBytes.slice().buffer);
  return { header, labels, features: bytes.subarray(featuresAt, featuresAt + count * size) };
}

/** A shard's features as Float32 in [0, 1], optionally mean/std-normalised. */
export function shardFeatures(shard: Shard, options: NormalizeOptions = {}): Float32Array {
  return normalize(shard.features, shard.header.shape[2], options);
}

/** A shard as the features manifest lists it. */
export interface ShardEntry {
  readonly key: string;
  readonly count: number;
  readonly bytes: number;
  /** Hex SHA-256 of the whole shard file. */
  readonly sha256: string;
}

/**
 * Write shard bytes with `ifNoneMatch: '*'`: shard keys derive from their
 * inputs, so an existing object at the key already holds these bytes (a
 * redelivered event or a crashed earlier run) and is left untouched.
 *
 * @returns the manifest entry and whether this call created the object.
 */
export async function writeShard(bucket: Bucket, key: string, bytes: Uint8Array, count: number): Promise<ShardEntry & { written: boolean }> {
  const entry = { key, count, bytes: bytes.length, sha256: sha256Hex(bytes) };
  const written = await putIfAbsent(bucket, key, bytes, { contentType: 'application/vnd.polyfaas.shard', metadata: { sha256: entry.sha256 } });
  return { ...entry, written: written !== undefined };
}

/** Read a shard and, when the manifest gave one, check its SHA-256. @throws `Internal` on a checksum mismatch. */
export async function readShard(bucket: Bucket, key: string, expectedSha256?: string): Promise<Shard> {
  const { body } = await bucket.get(key);
  if (expectedSha256 !== undefined) {
    const actual = sha256Hex(body);
    if (actual !== expectedSha256) {
      throw new PolyfaasError('Internal', `${key} has SHA-256 ${actual}, the manifest says ${expectedSha256}`, { details: { key, expectedSha256, actual } });
    }
  }
  return decodeShard(body, key);
}

// Moved to pipelines/shared (every pipeline writes idempotently); re-exported for existing importers.
export { putIfAbsent };
