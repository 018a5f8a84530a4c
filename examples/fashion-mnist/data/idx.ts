import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { PolyfaasError } from 'polyfaas';

/** Images and labels of one IDX split, as stored: 8-bit pixels, row-major. */
export interface IdxDataset {
  /** `count × rows × cols` bytes, 0 = background, 255 = ink. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
}

/** IDX magic: two zero bytes, type 0x08 (unsigned byte), number of dimensions. */
const IMAGES_MAGIC = 0x00000803;
const LABELS_MAGIC = 0x00000801;

/** Gunzip if the bytes are gzip; IDX files are published gzipped but may be stored plain. */
export function maybeGunzip(bytes: Uint8Array, name = 'file'): Uint8Array {
  // Plain Uint8Array views, not Buffers, so callers see one type whatever the source.
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const out = gunzipSync(bytes);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${name} is a corrupt gzip file`, { cause: err, details: { file: name, reason: 'gzip' } });
  }
}

/**
 * Parse an IDX3 image file (optionally gzipped).
 * @throws PolyfaasError `InvalidArgument` on a wrong magic number or a size that does not match the header.
 */
export function parseIdxImages(bytes: Uint8Array, name = 'images'): Pick<IdxDataset, 'images' | 'count' | 'rows' | 'cols'> {
  const data = maybeGunzip(bytes, name);
  const view = header(data, 16, IMAGES_MAGIC, name);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096) throw corrupt(name, `implausible image size ${rows}x${cols}`);
  expectLength(data, 16 + count * rows * cols, name);
  return { images: data.subarray(16), count, rows, cols };
}

/**
 * Parse an IDX1 label file (optionally gzipped).
 * @throws PolyfaasError `InvalidArgument` on a wrong magic number or size.
 */
export function parseIdxLabels(bytes: Uint8Array, name = 'labels'): Uint8Array {
  const data = maybeGunzip(bytes, name);
  const view = header(data, 8, LABELS_MAGIC, name);
  expectLength(data, 8 + view.getUint32(4), name);
  return data.subarray(8);
}

/**
 * Read one split from an images file and a labels file and check they agree.
 *
 * @param maxLabel labels above this are rejected (9 for Fashion-MNIST).
 *
 * @example
 * ```ts
 * const test = await readIdxDataset('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz');
 * test.images.subarray(0, 784); // first image
 * ```
 */
export async function readIdxDataset(imagesPath: string, labelsPath: string, maxLabel = 255): Promise<IdxDataset> {
  const [imageBytes, labelBytes] = await Promise.all([readFile(imagesPath), readFile(labelsPath)]);
  return combineIdx(imageBytes, labelBytes, maxLabel, imagesPath, labelsPath);
}

/** {@link readIdxDataset} for bytes already in memory. */
export function combineIdx(imageBytes: Uint8Array, labelBytes: Uint8Array, maxLabel = 255, imagesName = 'images', labelsName = 'labels'): IdxDataset {
  const images = parseIdxImages(imageBytes, imagesName);
  const labels = parseIdxLabels(labelBytes, labelsName);
  if (labels.length !== images.count) {
    throw new PolyfaasError('InvalidArgument', `${imagesName} has ${images.count} images but ${labelsName} has ${labels.length} labels`, {
      details: { reason: 'count-mismatch', images: images.count, labels: labels.length },
    });
  }
  const bad = labels.findIndex((l) => l > maxLabel);
  if (bad >= 0) throw corrupt(labelsName, `label ${labels[bad]} at index ${bad} is above ${maxLabel}`);
  return { ...images, labels };
}

/** Encode a split as (uncompressed) IDX files, the inverse of {@link combineIdx}; gzip them to match the published files. */
export function encodeIdx(dataset: IdxDataset): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(16 + dataset.images.length);
  const iv = new DataView(images.buffer);
  iv.setUint32(0, IMAGES_MAGIC);
  iv.setUint32(4, dataset.count);
  iv.setUint32(8, dataset.rows);
  iv.setUint32(12, dataset.cols);
  images.set(dataset.images, 16);
  const labels = new Uint8Array(8 + dataset.labels.length);
  const lv = new DataView(labels.buffer);
  lv.setUint32(0, LABELS_MAGIC);
  lv.setUint32(4, dataset.count);
  labels.set(dataset.labels, 8);
  return { images, labels };
}

function header(data: Uint8Array, size: number, magic: number, name: string): DataView {
  if (data.length < size) throw corrupt(name, `only ${data.length} bytes, shorter than the ${size}-byte header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const found = view.getUint32(0);
  if (found !== magic) throw corrupt(name, `magic number 0x${found.toString(16).padStart(8, '0')}, expected 0x${magic.toString(16).padStart(8, '0')}`);
  return view;
}

function expectLength(data: Uint8Array, expected: number, name: string): void {
  if (data.length !== expected) throw corrupt(name, `${data.length} bytes, header promises ${expected}`);
}

function corrupt(name: string, why: string): PolyfaasError {
  return new PolyfaasError('InvalidArgument', `${name} is not a valid IDX file: ${why}`, { details: { file: name, reason: why } });
}
