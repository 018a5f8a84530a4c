import type { HttpRequest } from '../../src/index.js';
import { isPolyfaasError, PolyfaasError } from '../../src/index.js';
import { decodeImage, defaultMaxPixels } from './image.js';
import type { ModelInputSpec } from './image.js';

/** How serving turns 8-bit pixels into model floats: the same as training did. */
export interface PixelScaling {
  scale: number;
  mean: readonly number[];
  std: readonly number[];
}

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/jpg', 'image/webp']);

/** Raw 8-bit pixels, row-major HWC, exactly height × width × channels bytes: no parsing at all. */
export const RAW_PIXELS_TYPE = 'application/octet-stream';

/**
 * Turn a predict request into one example's model input. Accepts a raw
 * PNG/JPEG/WebP body, JSON `{ "image": "<base64>" }`, JSON
 * `{ "pixels": [0..255, ...] }` (row-major HWC), or the same pixels as raw
 * bytes (`application/octet-stream`, for clients that decode and resize
 * themselves: the cheapest form to accept).
 *
 * @param maxPixels largest image accepted, judged from its header before
 *   decoding; default {@link defaultMaxPixels} of `input`.
 * @throws `UnsupportedMediaType` (415) for other content types, `InvalidArgument`
 *   (400) for undecodable images, bad base64 or the wrong number of pixels,
 *   `PayloadTooLarge` (413) for an image over `maxPixels`.
 */
export async function requestToInput(
  req: HttpRequest,
  input: ModelInputSpec,
  scaling: PixelScaling,
  maxPixels: number = defaultMaxPixels(input),
): Promise<Float32Array> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (IMAGE_TYPES.has(type)) return scale(await decode(req.body, input, maxPixels), input.channels, scaling);
  if (type === RAW_PIXELS_TYPE) return scale(rawPixels(req.body, input), input.channels, scaling);
  if (type === 'application/json') {
    const body = req.json<{ image?: unknown; pixels?: unknown }>();
    if (typeof body?.image === 'string') {
      const bytes = Buffer.from(body.image, 'base64');
      if (bytes.byteLength === 0) throw new PolyfaasError('InvalidArgument', '"image" is not base64-encoded image data');
      return scale(await decode(bytes, input, maxPixels), input.channels, scaling);
    }
    if (Array.isArray(body?.pixels)) return scale(pixelsFromJson(body.pixels, input), input.channels, scaling);
    throw new PolyfaasError('InvalidArgument', 'JSON body needs "image" (base64 PNG/JPEG/WebP) or "pixels" (array of 0-255 values)');
  }
  throw new PolyfaasError('UnsupportedMediaType', `Content-Type ${type || '(none)'} is not supported; send image/png, image/jpeg, image/webp, application/json or ${RAW_PIXELS_TYPE} (raw pixels)`, {
    details: { supported: [...IMAGE_TYPES, 'application/json', RAW_PIXELS_TYPE] },
  });
}

async function decode(bytes: Uint8Array, input: ModelInputSpec, maxPixels: number): Promise<Uint8Array> {
  try {
    return (await decodeImage(bytes, { ...input, maxPixels })).pixels;
  } catch (err) {
    // The content type was fine; the bytes were not an image we can read: a bad request, not a 415.
    if (isPolyfaasError(err, 'UnsupportedMediaType')) throw new PolyfaasError('InvalidArgument', `Image could not be decoded: ${err.message}`, { cause: err });
    throw err;
  }
}

function rawPixels(body: Uint8Array, input: ModelInputSpec): Uint8Array {
  const expected = input.width * input.height * input.channels;
  if (body.byteLength !== expected) {
    throw new PolyfaasError('InvalidArgument', `${RAW_PIXELS_TYPE} body must be ${expected} bytes (${input.height}x${input.width}x${input.channels} pixels), received ${body.byteLength}`, {
      details: { expected, received: body.byteLength },
    });
  }
  return body;
}

function pixelsFromJson(values: unknown[], input: ModelInputSpec): Uint8Array {
  const expected = input.width * input.height * input.channels;
  if (values.length !== expected) {
    throw new PolyfaasError('InvalidArgument', `"pixels" must hold ${expected} values (${input.height}x${input.width}x${input.channels}), received ${values.length}`, {
      details: { expected, received: values.length },
    });
  }
  const out = new Uint8Array(expected);
  for (let i = 0; i < expected; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 255)) throw new PolyfaasError('InvalidArgument', `"pixels"[${i}] must be a number from 0 to 255`);
    out[i] = Math.round(v);
  }
  return out;
}

function scale(pixels: Uint8Array, channels: number, s: PixelScaling): Float32Array {
  const out = new Float32Array(pixels.length);
  if (s.mean.length === 0 && s.std.length === 0) {
    // The common case (plain 1/255 scaling) without per-channel lookups.
    for (let i = 0; i < pixels.length; i++) out[i] = (pixels[i] as number) * s.scale;
    return out;
  }
  for (let i = 0; i < pixels.length; i++) {
    const c = i % channels;
    out[i] = ((pixels[i] as number) * s.scale - (s.mean[c] ?? 0)) / (s.std[c] ?? 1);
  }
  return out;
}
