import type * as Zlib from 'node:zlib';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { createHttpRequest } from '../../src/index.js';
import { decodeImage, DEFAULT_MAX_PIXELS, defaultMaxPixels } from './image.js';
import { requestToInput } from './predict-input.js';

// Any decoder touching these bytes is the defect: the header alone must refuse them.
const decoders = vi.hoisted(() => ({ sharp: vi.fn(), inflate: vi.fn() }));
vi.mock('sharp', () => ({
  default: (...args: unknown[]) => {
    decoders.sharp(...args);
    throw new Error('sharp must not be called for an image refused by its header');
  },
}));
vi.mock('node:zlib', async (importOriginal) => {
  const zlib = await importOriginal<typeof Zlib>();
  return {
    ...zlib,
    inflateSync: (...args: Parameters<typeof zlib.inflateSync>) => {
      decoders.inflate(...args);
      return zlib.inflateSync(...args);
    },
  };
});

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/** A real, valid all-black greyscale PNG: tiny on the wire (deflate of zeros), `width*height` bytes decoded. */
function blackPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit grey, deflate, adaptive filtering, no interlace
  const idat = deflateSync(Buffer.alloc(height * (width + 1)), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A JPEG that is only a header declaring `width`×`height` (SOI, SOF0, SOS): no decoder could use it, the size check must not need one. */
function jpegHeader(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x01, 0x01, 0x11, 0x00]);
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]), sof, Buffer.from([0xff, 0xda, 0x00, 0x02, 0xff, 0xd9])]);
}

const MNIST = { width: 28, height: 28, channels: 1 } as const;
const SCALING = { scale: 1 / 255, mean: [], std: [] };

describe('decode cost: the default pixel limit follows the model input and is checked from the header', () => {
  // 5000×5000 = exactly the old 25 MP default: accepted before, it cost ~0.4 s of CPU and ~150 MB for a 28×28 model.
  const bomb = blackPng(5000, 5000);

  it('refuses a ~25 KB PNG of 25 MP for a 28×28 model with 413, before any decoder runs', async () => {
    expect(bomb.byteLength).toBeLessThan(100_000);
    decoders.sharp.mockClear();
    decoders.inflate.mockClear();
    await expect(decodeImage(bomb, MNIST)).rejects.toMatchObject({
      code: 'PayloadTooLarge',
      details: { width: 5000, height: 5000, maxPixels: 1_000_000, reason: 'pixel-limit' },
    });
    expect(decoders.sharp).not.toHaveBeenCalled();
    expect(decoders.inflate).not.toHaveBeenCalled();
  });

  it('refuses it the same way through a predict request, raw or base64 JSON, and a JPEG header too', async () => {
    decoders.sharp.mockClear();
    decoders.inflate.mockClear();
    const requests = [
      createHttpRequest({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/png' }, body: bomb }),
      createHttpRequest({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ image: bomb.toString('base64') }) }),
      createHttpRequest({ method: 'POST', path: '/predict', headers: { 'content-type': 'image/jpeg' }, body: jpegHeader(6000, 4000) }),
    ];
    for (const req of requests) {
      await expect(requestToInput(req, MNIST, SCALING)).rejects.toMatchObject({ code: 'PayloadTooLarge', details: { reason: 'pixel-limit' } });
    }
    expect(decoders.sharp).not.toHaveBeenCalled();
    expect(decoders.inflate).not.toHaveBeenCalled();
  });

  it('lets an image of exactly the limit (1 MP for 28×28) through to the decoder, and honours an explicit maxPixels', async () => {
    expect(defaultMaxPixels(MNIST)).toBe(1_000_000);
    expect(defaultMaxPixels({ width: 224, height: 224 })).toBe(256 * 224 * 224);
    expect(defaultMaxPixels({ width: 512, height: 512 })).toBe(DEFAULT_MAX_PIXELS);
    decoders.sharp.mockClear();
    await expect(decodeImage(blackPng(1000, 1001), MNIST)).rejects.toMatchObject({ code: 'PayloadTooLarge', details: { maxPixels: 1_000_000 } });
    expect(decoders.sharp).not.toHaveBeenCalled();
    // At the limit the header check passes and the image goes on to be resized by sharp (mocked here to fail).
    await expect(decodeImage(blackPng(1000, 1000), MNIST)).rejects.toThrow();
    expect(decoders.sharp).toHaveBeenCalledTimes(1);
    // At the model's own size, a larger model's default applies and the fast path decodes it.
    const img = await decodeImage(blackPng(1000, 1001), { width: 1000, height: 1001, channels: 1 });
    expect(img).toMatchObject({ decoder: 'png-fast', width: 1000, height: 1001 });
    await expect(decodeImage(blackPng(20, 20), { ...MNIST, maxPixels: 100 })).rejects.toMatchObject({ details: { width: 20, height: 20, maxPixels: 100 } });
  });
});
