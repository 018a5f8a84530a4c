import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { encodeGreyPng } from './png-encode.js';

describe('encodeGreyPng', () => {
  it('writes a PNG that sharp decodes to the same pixels', async () => {
    const pixels = Uint8Array.from({ length: 28 * 28 }, (_, i) => (i * 37) % 256);
    const png = encodeGreyPng(pixels, 28, 28);
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(info).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(Buffer.from(data).equals(Buffer.from(pixels))).toBe(true);
  });

  it('handles non-square images and rejects a wrong pixel count', async () => {
    const png = encodeGreyPng(new Uint8Array(6).fill(200), 3, 2);
    expect((await sharp(png).metadata()).width).toBe(3);
    expect(() => encodeGreyPng(new Uint8Array(5), 3, 2)).toThrow(RangeError);
  });
});
