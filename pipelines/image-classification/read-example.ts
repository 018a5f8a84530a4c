import type { Bucket } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';
import type { ErrorRecord } from './error-records.js';
import { isImageError, toErrorRecord } from './error-records.js';
import type { DecodeOptions } from './image.js';
import { decodeImage } from './image.js';
import type { RawKey } from './layout.js';
import { labelFromDir } from './layout.js';

/** One raw image turned into a labelled example, or the reason it could not be. */
export type ExampleResult =
  | { readonly ok: true; readonly key: string; readonly etag: string; readonly label: number; readonly pixels: Uint8Array }
  | { readonly ok: false; readonly key: string; readonly etag: string; readonly record: ErrorRecord };

/**
 * Read, label and decode one raw image. Problems with the image itself
 * (corrupt, too large, unknown label) come back as an error record; bucket and
 * platform failures throw, so the caller's event is retried instead.
 */
export async function readExample(
  bucket: Bucket,
  key: string,
  image: RawKey & { kind: 'image' },
  classes: readonly string[],
  decode: DecodeOptions,
): Promise<ExampleResult> {
  const obj = await bucket.get(key);
  try {
    const label = labelFromDir(image.labelDir, classes);
    if (label === undefined) {
      throw new PolyfaasError('InvalidArgument', `No class for label directory "${image.labelDir}": name it <index>-<name> or list it in classes`, {
        details: { reason: 'unknown-label', labelDir: image.labelDir },
      });
    }
    const decoded = await decodeImage(obj.body, decode);
    return { ok: true, key, etag: obj.etag, label, pixels: decoded.pixels };
  } catch (err) {
    if (!isImageError(err)) throw err;
    return { ok: false, key, etag: obj.etag, record: toErrorRecord(key, obj.etag, err) };
  }
}
