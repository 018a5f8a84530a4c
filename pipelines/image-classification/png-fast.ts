import { crc32, inflateSync } from 'node:zlib';
import { PolyfaasError } from '../../src/index.js';

/** Pixels decoded by {@link decodePngFast}: 8-bit, interleaved HWC. */
export interface FastPngPixels {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA, as stored in the file. */
  readonly channels: 1 | 2 | 3 | 4;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const CHANNELS_BY_COLOR_TYPE: Record<number, 1 | 2 | 3 | 4> = { 0: 1, 4: 2, 2: 3, 6: 4 };
/** Chunks that change what the pixels mean; sharp handles them, the fast path does not try. */
const DEFER_TO_SHARP = new Set(['iCCP', 'tRNS', 'PLTE']);
const KNOWN_CRITICAL = new Set(['IHDR', 'IDAT', 'IEND']);

/** True if the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Decode the simplest, most common PNGs in pure JS: 8-bit, non-interlaced grey,
 * grey+alpha, RGB or RGBA without a colour profile or transparency key.
 *
 * Why: sharp/libvips costs ~0.4 ms per call whatever the image size, so 70k
 * 28×28 images spend almost all their time in per-call overhead. Inflating
 * and unfiltering a tiny PNG here takes a few microseconds.
 *
 * Returns `undefined` for anything it does not handle *or* finds malformed,
 * so the caller falls back to sharp, which stays the single authority on
 * errors and on every other format. Only the pixel limit is enforced here, so
 * a decompression bomb is refused before it is inflated.
 *
 * @throws PolyfaasError `PayloadTooLarge` when width × height exceeds `maxPixels`.
 */
export function decodePngFast(bytes: Uint8Array, maxPixels: number): FastPngPixels | undefined {
  if (!isPng(bytes)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8;
  let header: { width: number; height: number; channels: 1 | 2 | 3 | 4 } | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (pos + 12 <= bytes.length) {
    const length = view.getUint32(pos);
    const typeStart = pos + 4;
    const dataStart = pos + 8;
    const dataEnd = dataStart + length;
    if (dataEnd + 4 > bytes.length) return undefined;
    const type = String.fromCharCode(bytes[typeStart]!, bytes[typeStart + 1]!, bytes[typeStart + 2]!, bytes[typeStart + 3]!);
    if (crc32(bytes.subarray(typeStart, dataEnd)) !== view.getUint32(dataEnd)) return undefined;
    if (type === 'IHDR') {
      if (length !== 13) return undefined;
      const width = view.getUint32(dataStart);
      const height = view.getUint32(dataStart + 4);
      const [depth, colorType, compression, filter, interlace] = bytes.subarray(dataStart + 8, dataStart + 13);
      if (width === 0 || height === 0) return undefined;
      if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
      const channels = CHANNELS_BY_COLOR_TYPE[colorType ?? -1];
      if (depth !== 8 || !channels || compression !== 0 || filter !== 0 || interlace !== 0) return undefined;
      header = { width, height, channels };
    } else if (type === 'IDAT') {
      idat.push(bytes.subarray(dataStart, dataEnd));
    } else if (type === 'IEND') {
      ended = true;
      break;
    } else if (DEFER_TO_SHARP.has(type) || (isCritical(type) && !KNOWN_CRITICAL.has(type))) {
      return undefined;
    }
    pos = dataEnd + 4;
  }
  if (!header || !ended || idat.length === 0) return undefined;
  const { width, height, channels } = header;
  const stride = width * channels;
  let filtered: Uint8Array;
  try {
    filtered = inflateSync(idat.length === 1 ? idat[0]! : Buffer.concat(idat), { maxOutputLength: height * (stride + 1) });
  } catch {
    return undefined;
  }
  if (filtered.length !== height * (stride + 1)) return undefined;
  const data = unfilter(filtered, height, stride, channels);
  return data ? { data, width, height, channels } : undefined;
}

/** The PolyfaasError every decoder path raises for an image over the pixel limit. */
export function tooManyPixels(width: number, height: number, maxPixels: number): PolyfaasError {
  return new PolyfaasError('PayloadTooLarge', `Image is ${width}x${height} = ${width * height} pixels, over the ${maxPixels}-pixel limit`, {
    details: { width, height, maxPixels, reason: 'pixel-limit' },
  });
}

function isCritical(type: string): boolean {
  const first = type.charCodeAt(0);
  return first >= 65 && first <= 90;
}

/** Undo PNG's per-row filters (RFC 2083 §6) for 8-bit samples, `bpp` bytes per pixel. */
function unfilter(src: Uint8Array, height: number, stride: number, bpp: number): Uint8Array | undefined {
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = src[y * (stride + 1)];
    const inRow = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride;
    switch (filter) {
      case 0:
        out.set(src.subarray(inRow, inRow + stride), row);
        break;
      case 1:
        for (let x = 0; x < stride; x++) out[row + x] = src[inRow + x]! + (x >= bpp ? out[row + x - bpp]! : 0);
        break;
      case 2:
        for (let x = 0; x < stride; x++) out[row + x] = src[inRow + x]! + (y > 0 ? out[prev + x]! : 0);
        break;
      case 3:
        for (let x = 0; x < stride; x++) {
          const left = x >= bpp ? out[row + x - bpp]! : 0;
          const up = y > 0 ? out[prev + x]! : 0;
          out[row + x] = src[inRow + x]! + ((left + up) >> 1);
        }
        break;
      case 4:
        for (let x = 0; x < stride; x++) {
          const a = x >= bpp ? out[row + x - bpp]! : 0;
          const b = y > 0 ? out[prev + x]! : 0;
          const c = x >= bpp && y > 0 ? out[prev + x - bpp]! : 0;
          out[row + x] = src[inRow + x]! + paeth(a, b, c);
        }
        break;
      default:
        return undefined;
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}
