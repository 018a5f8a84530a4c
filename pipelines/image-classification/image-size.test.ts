import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageSize } from './image-size.js';

const SIZES = [
  [1, 1],
  [17, 9],
  [300, 200],
  [4000, 3],
] as const;

async function encodings(width: number, height: number): Promise<[string, Buffer][]> {
  const image = () => sharp({ create: { width, height, channels: 3, background: { r: 10, g: 200, b: 30 } } });
  return [
    ['png', await image().png().toBuffer()],
    ['jpeg', await image().jpeg().toBuffer()],
    ['progressive jpeg with exif', await image().withMetadata({ exif: { IFD0: { Copyright: 'x' } } }).jpeg({ progressive: true }).toBuffer()],
    ['webp lossy', await image().webp().toBuffer()],
    ['webp lossless', await image().webp({ lossless: true }).toBuffer()],
    ['webp with alpha (VP8X)', await image().ensureAlpha(0.5).webp().toBuffer()],
  ];
}

describe('readImageSize', () => {
  it('reads the same size as sharp from PNG, JPEG and WebP headers', async () => {
    for (const [width, height] of SIZES) {
      for (const [format, bytes] of await encodings(width, height)) {
        expect(readImageSize(bytes), `${format} ${width}x${height}`).toEqual({ width, height });
      }
    }
  });

  it('answers undefined for other formats, garbage and truncated headers', async () => {
    const png = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#000' } }).png().toBuffer();
    const jpeg = await sharp({ create: { width: 5, height: 5, channels: 3, background: '#000' } }).jpeg().toBuffer();
    for (const bytes of [Buffer.from('GIF89a......'), Buffer.alloc(0), Buffer.from('not an image at all'), png.subarray(0, 20), jpeg.subarray(0, 30)]) {
      expect(readImageSize(bytes)).toBeUndefined();
    }
  });
});
