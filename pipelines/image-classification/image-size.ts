/** An image's size as its header declares it. */
export interface ImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Read the width and height a PNG, JPEG or WebP header declares, without
 * decoding or inflating anything: a few dozen bytes for PNG and WebP, a walk
 * over the segment headers (never their data) for JPEG.
 *
 * Why: a decompression bomb is tiny on the wire and huge in memory, so its
 * size must be judged from the header before any decoder runs. Returns
 * `undefined` for other formats or a header too damaged to read; the decoder
 * then decides (sharp enforces the same limit itself with `limitInputPixels`).
 */
export function readImageSize(bytes: Uint8Array): ImageSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 24 && view.getUint32(0) === 0x89504e47 && view.getUint32(12) === 0x49484452 /* IHDR */) {
    return sized(view.getUint32(16), view.getUint32(20));
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSize(bytes, view);
  if (bytes.length >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return webpSize(bytes, view);
  return undefined;
}

/**
 * Walk JPEG markers up to the first start-of-frame (SOF0..SOF15 except DHT,
 * JPG and DAC), whose payload holds precision, height and width.
 */
function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff) return undefined;
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    // Standalone markers carry no length.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image / start of scan before any frame header
    const length = view.getUint16(pos + 2);
    if (length < 2) return undefined;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (pos + 9 > bytes.length) return undefined;
      return sized(view.getUint16(pos + 7), view.getUint16(pos + 5));
    }
    pos += 2 + length;
  }
  return undefined;
}

/** WebP's first chunk: `VP8 ` (lossy), `VP8L` (lossless) or `VP8X` (extended, with a canvas size). */
function webpSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8 ') return sized(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return sized((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
    const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
    return sized(width, height);
  }
  return undefined;
}

function sized(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 ? { width, height } : undefined;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
