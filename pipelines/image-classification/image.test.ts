import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, imageToInput, normalize } from './image.js';
import { decodePngFast } from './png-fast.js';

/** A w×h image with a distinct, non-trivial value per pixel and channel. */
function gradient(width: number, height: number, channels: number): Buffer {
  const out = Buffer.alloc(width * height * channels);
  for (let i = 0; i < out.length; i++) out[i] = (i * 37 + Math.floor(i / width) * 11) % 256;
  return out;
}
const raw = (width: number, height: number, channels: 1 | 2 | 3 | 4) => ({ raw: { width, height, channels } });
/** Encode raw pixels as a PNG that really has `channels` channels (sharp otherwise writes grey as RGB). */
function encodePng(pixels: Buffer, width: number, height: number, channels: 1 | 2 | 3 | 4, options: sharp.PngOptions = {}): Promise<Buffer> {
  const image = sharp(pixels, raw(width, height, channels));
  return (channels <= 2 ? image.toColourspace('b-w') : image).png(options).toBuffer();
}
/** PNG colour type from the IHDR chunk: 0 grey, 4 grey+alpha, 2 RGB, 6 RGBA. */
const colorType = (png: Buffer) => png[25];
const GREY = { width: 8, height: 6, channels: 1 } as const;

describe('decodeImage', () => {
  it('decodes a greyscale PNG to its exact pixels via the fast path', async () => {
    const pixels = gradient(8, 6, 1);
    const png = await encodePng(pixels, 8, 6, 1);
    expect(colorType(png)).toBe(0);
    const img = await decodeImage(png, GREY);
    expect(img.decoder).toBe('png-fast');
    expect(Buffer.from(img.pixels)).toEqual(pixels);
  });

  it('matches sharp byte for byte on every PNG filter and colour type the fast path takes', async () => {
    for (const channels of [1, 2, 3, 4] as const) {
      for (const adaptiveFiltering of [false, true]) {
        const png = await encodePng(gradient(17, 9, channels), 17, 9, channels, { adaptiveFiltering, compressionLevel: 9 });
        expect(colorType(png)).toBe({ 1: 0, 2: 4, 3: 2, 4: 6 }[channels]);
        expect(decodePngFast(png, 1e6)?.channels).toBe(channels);
        for (const want of [1, 3] as const) {
          const spec = { width: 17, height: 9, channels: want };
          const fast = await decodeImage(png, spec);
          const viaSharp = await sharp(png).removeAlpha().toColourspace(want === 1 ? 'b-w' : 'srgb').raw().toBuffer();
          expect(Buffer.from(fast.pixels), `png ${channels}ch → ${want}ch (adaptive ${adaptiveFiltering})`).toEqual(viaSharp);
        }
      }
    }
  });

  it('turns neutral RGB/RGBA PNGs into grey without sharp, exactly as sharp does for all 256 levels', async () => {
    for (const channels of [3, 4] as const) {
      const pixels = Buffer.alloc(256 * channels);
      for (let v = 0; v < 256; v++) {
        pixels.fill(v, v * channels, v * channels + 3);
        if (channels === 4) pixels[v * channels + 3] = (v * 7) % 256;
      }
      const png = await encodePng(pixels, 16, 16, channels);
      const fast = await decodeImage(png, { width: 16, height: 16, channels: 1 });
      const viaSharp = await sharp(png).removeAlpha().toColourspace('b-w').raw().toBuffer();
      expect(fast.decoder, `${channels} channels`).toBe('png-fast');
      expect(Buffer.from(fast.pixels)).toEqual(viaSharp);
      expect([...fast.pixels]).toEqual([...Array(256).keys()]);
    }
  });

  it('leaves real colour → grey to sharp', async () => {
    const png = await encodePng(gradient(8, 6, 3), 8, 6, 3);
    expect((await decodeImage(png, GREY)).decoder).toBe('sharp');
  });

  it('decodes JPEG and WebP (lossless) to the right pixels', async () => {
    const flat = Buffer.alloc(8 * 6, 200);
    const jpeg = await sharp(flat, raw(8, 6, 1)).jpeg({ quality: 100 }).toBuffer();
    const jpg = await decodeImage(jpeg, GREY);
    expect(jpg.decoder).toBe('sharp');
    for (const v of jpg.pixels) expect(Math.abs(v - 200)).toBeLessThanOrEqual(1);

    const pixels = gradient(8, 6, 3);
    const webp = await sharp(pixels, raw(8, 6, 3)).webp({ lossless: true }).toBuffer();
    const rgb = await decodeImage(webp, { width: 8, height: 6, channels: 3 });
    expect(Buffer.from(rgb.pixels)).toEqual(pixels);
  });

  it('resizes and converts colour through sharp when the fast path cannot', async () => {
    const png = await sharp(gradient(56, 56, 3), raw(56, 56, 3)).png().toBuffer();
    const img = await decodeImage(png, { width: 28, height: 28, channels: 1 });
    expect(img).toMatchObject({ decoder: 'sharp', width: 28, height: 28, channels: 1 });
    expect(img.pixels).toHaveLength(28 * 28);
  });

  it('reads 16-bit and interlaced PNGs via sharp', async () => {
    const png16 = await sharp(gradient(8, 6, 1), raw(8, 6, 1)).toColourspace('grey16').png().toBuffer();
    const interlaced = await encodePng(gradient(8, 6, 1), 8, 6, 1, { progressive: true });
    for (const png of [png16, interlaced]) {
      expect(decodePngFast(png, 1e6)).toBeUndefined();
      const img = await decodeImage(png, GREY);
      expect(Buffer.from(img.pixels)).toEqual(gradient(8, 6, 1));
    }
  });

  it('refuses images over the pixel limit with PayloadTooLarge, on both paths', async () => {
    const png = await encodePng(gradient(100, 100, 1), 100, 100, 1);
    const jpeg = await sharp(gradient(100, 100, 1), raw(100, 100, 1)).jpeg().toBuffer();
    for (const bytes of [png, jpeg]) {
      await expect(decodeImage(bytes, { ...GREY, maxPixels: 5000 })).rejects.toMatchObject({
        code: 'PayloadTooLarge',
        details: { width: 100, height: 100, maxPixels: 5000, reason: 'pixel-limit' },
      });
    }
  });

  it('classifies garbage and truncated files', async () => {
    await expect(decodeImage(new TextEncoder().encode('not an image'), GREY)).rejects.toMatchObject({
      code: 'UnsupportedMediaType',
      details: { reason: 'unsupported-format' },
    });
    const png = await encodePng(gradient(64, 64, 1), 64, 64, 1);
    const truncated = png.subarray(0, png.length - 40);
    await expect(decodeImage(truncated, { width: 64, height: 64, channels: 1 })).rejects.toMatchObject({ code: 'InvalidArgument' });
    const flipped = Buffer.from(png);
    const inIdat = png.length - 20; // before IDAT's CRC and IEND
    flipped[inIdat] = (flipped[inIdat] ?? 0) ^ 0xff;
    expect(decodePngFast(flipped, 1e6)).toBeUndefined();
    await expect(decodeImage(flipped, { width: 64, height: 64, channels: 1 })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('rejects a bad model input spec', async () => {
    await expect(decodeImage(new Uint8Array(8), { width: 0, height: 1, channels: 1 })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });
});

describe('normalize', () => {
  it('scales to [0, 1] and applies per-channel mean/std', () => {
    expect([...normalize(Uint8Array.from([0, 51, 255]), 1)]).toEqual([0, 0.2, 1].map(Math.fround));
    const out = normalize(Uint8Array.from([255, 0, 255, 0]), 2, { mean: [0.5, 0.5], std: [0.5, 0.25] });
    expect([...out]).toEqual([1, -2, 1, -2]);
    expect(() => normalize(new Uint8Array(3), 3, { mean: [0] })).toThrow(/3 channel/);
    expect(() => normalize(new Uint8Array(1), 1, { std: [0] })).toThrow(/positive/);
  });

  it('imageToInput chains decode and normalise', async () => {
    const png = await sharp(Buffer.alloc(4, 255), raw(2, 2, 1)).png().toBuffer();
    expect([...(await imageToInput(png, { width: 2, height: 2, channels: 1 }))]).toEqual([1, 1, 1, 1]);
  });
});
