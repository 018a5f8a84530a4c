import type SharpModule from 'sharp';
import { PolyfaasError, isPolyfaasError } from '../../src/index.js';
import type { FastPngPixels } from './png-fast.js';
import { readImageSize } from './image-size.js';
import { decodePngFast, tooManyPixels } from './png-fast.js';

let sharpModule: Promise<typeof SharpModule> | undefined;

/**
 * sharp is a native addon that takes ~100 ms to load. Small PNGs at model
 * size never need it (they take the pure-JS fast path), so it is loaded on
 * first use rather than at import — a cold `predict` usually never pays for it.
 */
function loadSharp(): Promise<typeof SharpModule> {
  sharpModule ??= import('sharp').then((m) => m.default);
  return sharpModule;
}

/** The tensor shape a model expects for one image (HWC). */
export interface ModelInputSpec {
  readonly width: number;
  readonly height: number;
  /** 1 = greyscale, 3 = RGB. Alpha is always dropped (not composited). */
  readonly channels: 1 | 3;
}

/** Options for {@link decodeImage}. */
export interface DecodeOptions extends ModelInputSpec {
  /**
   * Refuse images with more pixels than this, judged from the header before
   * anything is decoded or inflated. Default {@link defaultMaxPixels} of the
   * model input: 256 × its pixel count, at least 1 MP, at most 25 MP.
   */
  readonly maxPixels?: number;
  /** How to resize when the image is not already `width`×`height`. Default `'fill'` (stretch). */
  readonly fit?: 'fill' | 'cover' | 'contain';
}

/** An image as 8-bit model input: `width*height*channels` bytes, row-major HWC. */
export interface DecodedImage {
  readonly pixels: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  /** Which decoder produced it; the fast path handles plain 8-bit PNGs already at model size. */
  readonly decoder: 'png-fast' | 'sharp';
}

/** Per-channel normalisation applied after scaling to [0, 1]: `(x - mean) / std`. */
export interface NormalizeOptions {
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
}

/** 25 megapixels: the ceiling of {@link defaultMaxPixels}. Any real photo fits, a decompression bomb does not. */
export const DEFAULT_MAX_PIXELS = 25_000_000;

/** The floor of {@link defaultMaxPixels}: 1 MP, so a phone screenshot or a scan of a digit still decodes for a tiny model. */
export const MIN_DEFAULT_MAX_PIXELS = 1_000_000;

/** How many times the model's own pixel count an image may have by default (16× per side). */
export const MAX_PIXELS_PER_INPUT_PIXEL = 256;

/**
 * The pixel limit used when none is given: 256 × the model input's pixel
 * count, clamped to [1 MP, 25 MP].
 *
 * Why derived from the model: decoding costs memory and CPU in proportion to
 * the image's pixels, while the model only ever sees `width`×`height`. With a
 * fixed 25 MP default, a ~100 KB PNG of 5000×5000 cost ~0.4 s of CPU and
 * ~150 MB to classify as 28×28. 16× the input per side is more detail than any
 * resize to the input can use; the 1 MP floor keeps ordinary small uploads
 * working for tiny models (28×28 → 1 MP: ~4 MB and a few ms to decode), and the
 * ceiling keeps the old bound for large models (224×224 → 12.8 MP, 384×384 and
 * up → 25 MP).
 *
 * @example
 * ```ts
 * defaultMaxPixels({ width: 28, height: 28 });   // 1_000_000
 * defaultMaxPixels({ width: 224, height: 224 }); // 12_845_056
 * ```
 */
export function defaultMaxPixels(input: Pick<ModelInputSpec, 'width' | 'height'>): number {
  return Math.min(DEFAULT_MAX_PIXELS, Math.max(MIN_DEFAULT_MAX_PIXELS, MAX_PIXELS_PER_INPUT_PIXEL * input.width * input.height));
}

/**
 * Decode PNG, JPEG or WebP bytes into 8-bit model input of exactly the shape
 * asked for (converting colour space and resizing as needed).
 *
 * The size the PNG, JPEG or WebP header declares is checked against
 * `maxPixels` first, before any decoder runs or any byte is inflated. Plain
 * 8-bit PNGs already at the target size then take a pure-JS fast path
 * (results are byte-identical to sharp's); everything else goes through sharp
 * with `limitInputPixels` (which also covers formats whose header is not read here).
 *
 * @throws PolyfaasError `PayloadTooLarge` (over `maxPixels`), `UnsupportedMediaType`
 *   (not an image format sharp knows) or `InvalidArgument` (corrupt or truncated data),
 *   each with `details.reason`.
 *
 * @example
 * ```ts
 * const img = await decodeImage(pngBytes, { width: 28, height: 28, channels: 1 });
 * const x = normalize(img.pixels, img.channels); // Float32Array in [0, 1]
 * ```
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions): Promise<DecodedImage> {
  validateSpec(options);
  const maxPixels = options.maxPixels ?? defaultMaxPixels(options);
  const declared = readImageSize(bytes);
  if (declared && declared.width * declared.height > maxPixels) throw tooManyPixels(declared.width, declared.height, maxPixels);
  const fast = decodePngFast(bytes, maxPixels);
  if (fast && fast.width === options.width && fast.height === options.height) {
    const pixels = convertChannels(fast, options.channels);
    if (pixels) return { pixels, width: fast.width, height: fast.height, channels: options.channels, decoder: 'png-fast' };
  }
  return decodeWithSharp(bytes, options, maxPixels);
}

async function decodeWithSharp(bytes: Uint8Array, options: DecodeOptions, maxPixels: number): Promise<DecodedImage> {
  const { width, height, channels } = options;
  try {
    // failOn 'error' (not the default 'warning'): refuse truncated or broken data, but accept
    // the harmless warnings many real-world JPEGs trigger (e.g. trailing bytes).
    const sharp = await loadSharp();
    const { data, info } = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error' })
      .removeAlpha()
      .toColourspace(channels === 1 ? 'b-w' : 'srgb')
      .resize(width, height, { fit: options.fit ?? 'fill' })
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.width !== width || info.height !== height || info.channels !== channels) {
      throw new PolyfaasError('Internal', `sharp produced ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x${channels}`);
    }
    return { pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width, height, channels, decoder: 'sharp' };
  } catch (err) {
    throw await classifySharpError(err, bytes, maxPixels);
  }
}

/**
 * Scale 8-bit pixels to Float32 in [0, 1], then optionally `(x - mean[c]) / std[c]`
 * per channel (HWC layout).
 */
export function normalize(pixels: Uint8Array, channels: number, options: NormalizeOptions = {}): Float32Array {
  const out = new Float32Array(pixels.length);
  const { mean, std } = options;
  if (!mean && !std) {
    for (let i = 0; i < pixels.length; i++) out[i] = pixels[i]! / 255;
    return out;
  }
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values && values.length !== channels) {
      throw new PolyfaasError('InvalidArgument', `${name} has ${values.length} values for ${channels} channel(s)`);
    }
  }
  if (std?.some((s) => !(s > 0))) throw new PolyfaasError('InvalidArgument', 'std values must be positive');
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    out[i] = (pixels[i]! / 255 - (mean?.[c] ?? 0)) / (std?.[c] ?? 1);
  }
  return out;
}

/**
 * Decode and normalise in one call: what a predict handler needs for one upload.
 *
 * @example
 * ```ts
 * const x = await imageToInput(req.body, { width: 28, height: 28, channels: 1 });
 * model.predict(tf.tensor4d(x, [1, 28, 28, 1]));
 * ```
 */
export async function imageToInput(bytes: Uint8Array, options: DecodeOptions & NormalizeOptions): Promise<Float32Array> {
  const image = await decodeImage(bytes, options);
  return normalize(image.pixels, image.channels, options);
}

function convertChannels(src: FastPngPixels, channels: 1 | 3): Uint8Array | undefined {
  const { data, channels: from } = src;
  const n = src.width * src.height;
  if (channels === 1 && from === 1) return data;
  if (channels === 3 && from === 3) return data;
  const out = new Uint8Array(n * channels);
  if (channels === 1 && from === 2) {
    for (let i = 0; i < n; i++) out[i] = data[i * 2]!;
    return out;
  }
  if (channels === 3 && from === 4) {
    for (let i = 0; i < n; i++) {
      out[i * 3] = data[i * 4]!;
      out[i * 3 + 1] = data[i * 4 + 1]!;
      out[i * 3 + 2] = data[i * 4 + 2]!;
    }
    return out;
  }
  if (channels === 3 && (from === 1 || from === 2)) {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = data[i * from]!;
    return out;
  }
  if (channels === 1 && (from === 3 || from === 4)) return neutralToGrey(data, n, from);
  return undefined;
}

function validateSpec(spec: DecodeOptions): void {
  const ok = (v: number) => Number.isInteger(v) && v > 0 && v <= 16_384;
  if (!ok(spec.width) || !ok(spec.height) || (spec.channels !== 1 && spec.channels !== 3)) {
    throw new PolyfaasError('InvalidArgument', `Model input must be positive integer width/height and 1 or 3 channels, got ${JSON.stringify(spec)}`);
  }
}

async function classifySharpError(err: unknown, bytes: Uint8Array, maxPixels: number): Promise<PolyfaasError> {
  if (isPolyfaasError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) {
    // sharp's message has no dimensions; the header alone has them and costs no decode.
    const sharp = await loadSharp();
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata().catch(() => undefined);
    if (meta?.width && meta.height) return tooManyPixels(meta.width, meta.height, maxPixels);
    return new PolyfaasError('PayloadTooLarge', `Image exceeds the ${maxPixels}-pixel limit`, { cause: err, details: { maxPixels, reason: 'pixel-limit' } });
  }
  if (/unsupported image format/i.test(message)) {
    return new PolyfaasError('UnsupportedMediaType', 'Not a PNG, JPEG, WebP or other image format sharp can read', {
      cause: err,
      details: { reason: 'unsupported-format' },
    });
  }
  return new PolyfaasError('InvalidArgument', `Could not decode image: ${message}`, { cause: err, details: { reason: 'corrupt', decoder: message } });
}

/**
 * Colour pixels → grey, only when every pixel is neutral (R = G = B): then
 * sharp's luminance conversion is the identity (checked for all 256 levels in
 * image.test.ts), so the result is byte-identical without loading sharp. Many
 * "grey" datasets (Fashion-MNIST's PNGs among them) are stored as RGB, and
 * loading the native addon costs ~40 ms of a cold start. Anything with colour
 * returns `undefined`: sharp's exact luminance formula decides.
 */
function neutralToGrey(data: Uint8Array, n: number, from: 3 | 4): Uint8Array | undefined {
  const out = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += from) {
    const r = data[j]!;
    if (data[j + 1] !== r || data[j + 2] !== r) return undefined;
    out[i] = r;
  }
  return out;
}
