import type { HttpRequest } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';

/** Limits on what one `POST /classify` may ask. */
export interface ClassifyLimits {
  /** Longest text, in characters. */
  maxChars: number;
  /** Most texts in one request. */
  maxTexts: number;
}

/**
 * The texts of a classify request: a `text/plain` body is one text; JSON is
 * `{ "text": "…" }` or `{ "texts": ["…", …] }`.
 *
 * @throws `UnsupportedMediaType` (415) for other content types,
 *   `InvalidArgument` (400) for malformed JSON, empty or non-string texts,
 *   `PayloadTooLarge` (413) for a text over `maxChars` or more than `maxTexts` texts.
 */
export function requestTexts(req: HttpRequest, limits: ClassifyLimits): { texts: string[]; batch: boolean } {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let texts: unknown[];
  let batch = false;
  if (type === 'text/plain') {
    texts = [new TextDecoder('utf-8', { fatal: false }).decode(req.body)];
  } else if (type === 'application/json') {
    const body = req.json<{ text?: unknown; texts?: unknown }>();
    if (body && typeof body === 'object' && 'texts' in body) {
      if (!Array.isArray(body.texts)) throw new PolyfaasError('InvalidArgument', '"texts" must be an array of strings');
      texts = body.texts;
      batch = true;
    } else if (body && typeof body === 'object' && 'text' in body) texts = [body.text];
    else throw new PolyfaasError('InvalidArgument', 'JSON body needs "text" (a string) or "texts" (an array of strings)');
  } else {
    throw new PolyfaasError('UnsupportedMediaType', `Content-Type ${type || '(none)'} is not supported; send text/plain or application/json`, {
      details: { supported: ['text/plain', 'application/json'] },
    });
  }
  if (texts.length === 0) throw new PolyfaasError('InvalidArgument', '"texts" is empty');
  if (texts.length > limits.maxTexts) {
    throw new PolyfaasError('PayloadTooLarge', `at most ${limits.maxTexts} texts per request, received ${texts.length}`, { details: { maxTexts: limits.maxTexts, received: texts.length } });
  }
  texts.forEach((t, i) => {
    if (typeof t !== 'string' || t.trim() === '') throw new PolyfaasError('InvalidArgument', `text ${i} must be a non-empty string`, { details: { index: i } });
    if (t.length > limits.maxChars) {
      throw new PolyfaasError('PayloadTooLarge', `text ${i} has ${t.length} characters; the limit is ${limits.maxChars}`, { details: { index: i, maxChars: limits.maxChars, received: t.length } });
    }
  });
  return { texts: texts as string[], batch };
}
