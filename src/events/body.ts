import { PolyfaasError } from '../errors.js';

const decoder = new TextDecoder();

/** UTF-8 decode a body. */
export function bodyText(body: Uint8Array): string {
  return decoder.decode(body);
}

/** Parse a body as JSON, turning malformed input into `InvalidArgument`. */
export function bodyJson<T>(body: Uint8Array, what = 'Body'): T {
  return parseJson<T>(decoder.decode(body), what);
}

/** Parse JSON text, turning malformed input into `InvalidArgument`. */
export function parseJson<T>(text: string, what = 'Body'): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${what} is not valid JSON`, { cause: err });
  }
}
