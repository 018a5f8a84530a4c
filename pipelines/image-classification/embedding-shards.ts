import { PolyfaasError } from '../../src/index.js';

/**
 * Embedding shard format `PFEM` v1 (`.pfe`), one beside each pixel shard:
 *
 * ```text
 * offset  size          content
 * 0       4             magic "PFEM"
 * 4       4             u32 LE format version (1)
 * 8       4             u32 LE header length H (multiple of 8)
 * 12      4             u32 LE reserved (0)
 * 16      H             UTF-8 JSON {@link EmbeddingShardHeader}, space-padded
 * 16+H    4·count       labels, int32 LE
 * ...     4·count·dim   features, float32 LE, one row per example
 * ```
 *
 * Float32, not 8-bit like pixels: embeddings are not bytes to begin with, and
 * at 128 values per example they are still smaller than a 28×28 image.
 */
export const EMBEDDING_MAGIC = 'PFEM';
const VERSION = 1;
const PREAMBLE = 16;

/** The JSON header of an embedding shard. */
export interface EmbeddingShardHeader {
  readonly count: number;
  readonly dim: number;
  readonly dtype: 'float32';
  /** The pixel shard these rows were computed from, in the same order. */
  readonly source: { readonly key: string; readonly sha256: string };
}

/** A decoded embedding shard. */
export interface EmbeddingShard {
  readonly header: EmbeddingShardHeader;
  readonly labels: Int32Array;
  /** `count × dim` floats. */
  readonly features: Float32Array;
}

/** Serialise one embedding shard. @throws PolyfaasError `InvalidArgument` on inconsistent sizes. */
export function encodeEmbeddingShard(shard: EmbeddingShard): Uint8Array {
  const { count, dim } = shard.header;
  if (shard.labels.length !== count || shard.features.length !== count * dim) {
    throw new PolyfaasError('InvalidArgument', `embedding shard needs ${count} labels and ${count * dim} features, got ${shard.labels.length} and ${shard.features.length}`);
  }
  const json = new TextEncoder().encode(JSON.stringify(shard.header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const labelsAt = PREAMBLE + headerLength;
  const out = new Uint8Array(labelsAt + 4 * count + 4 * count * dim);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(EMBEDDING_MAGIC), 0);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, headerLength, true);
  out.set(json, PREAMBLE);
  out.fill(0x20, PREAMBLE + json.length, labelsAt);
  for (let i = 0; i < count; i++) view.setInt32(labelsAt + 4 * i, shard.labels[i] as number, true);
  const featuresAt = labelsAt + 4 * count;
  for (let i = 0; i < count * dim; i++) view.setFloat32(featuresAt + 4 * i, shard.features[i] as number, true);
  return out;
}

/** Parse an embedding shard. @throws PolyfaasError `InvalidArgument` if it is not a valid v1 shard. */
export function decodeEmbeddingShard(bytes: Uint8Array, name = 'embedding shard'): EmbeddingShard {
  const bad = (why: string) => new PolyfaasError('InvalidArgument', `${name} is not a valid embedding shard: ${why}`, { details: { reason: why } });
  if (bytes.length < PREAMBLE || new TextDecoder().decode(bytes.subarray(0, 4)) !== EMBEDDING_MAGIC) throw bad('bad magic');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(4, true) !== VERSION) throw bad(`unsupported version ${view.getUint32(4, true)}`);
  const headerLength = view.getUint32(8, true);
  if (PREAMBLE + headerLength > bytes.length) throw bad('header runs past the end');
  let header: EmbeddingShardHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength))) as EmbeddingShardHeader;
  } catch {
    throw bad('header is not JSON');
  }
  const { count, dim } = header;
  if (!Number.isInteger(count) || !Number.isInteger(dim) || count < 0 || dim <= 0 || header.dtype !== 'float32') throw bad('malformed header');
  const labelsAt = PREAMBLE + headerLength;
  const featuresAt = labelsAt + 4 * count;
  if (bytes.length !== featuresAt + 4 * count * dim) throw bad(`expected ${featuresAt + 4 * count * dim} bytes, got ${bytes.length}`);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) labels[i] = view.getInt32(labelsAt + 4 * i, true);
  const features = new Float32Array(count * dim);
  for (let i = 0; i < count * dim; i++) features[i] = view.getFloat32(featuresAt + 4 * i, true);
  return { header, labels, features };
}

/** The key of the embedding shard beside pixel shard `shardKey`. */
export function embeddingShardKey(shardKey: string): string {
  return `${shardKey.replace(/\.pfs$/, '')}.pfe`;
}
