import { PolyfaasError } from '../errors.js';

/** Hosts whose traffic never leaves the machine: plain HTTP to them exposes nothing in transit. */
const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[?::1\]?)$/i;

/**
 * Refuse a storage endpoint that would carry data unencrypted: every cloud
 * driver calls this with the endpoint it is about to use, so data in transit
 * is TLS. `http://` is accepted only on the loopback interface (the bytes
 * never leave the host: emulators in tests and on a laptop) or when the
 * caller sets `allowInsecureEndpoint` (an emulator on another host, e.g. a
 * compose service named `azurite`). Anything else that is not `https://` is
 * `InvalidArgument`.
 *
 * @param what names the setting for the error message, e.g. `S3 endpoint`.
 *
 * @example
 * ```ts
 * assertSecureEndpoint('http://minio:9000', 'S3 endpoint');                 // throws InvalidArgument
 * assertSecureEndpoint('http://minio:9000', 'S3 endpoint', { allowInsecureEndpoint: true }); // ok
 * ```
 */
export function assertSecureEndpoint(endpoint: string | URL, what: string, options: { allowInsecureEndpoint?: boolean } = {}): void {
  let url: URL;
  try {
    url = typeof endpoint === 'string' ? new URL(endpoint) : endpoint;
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `${what} is not a URL`, { cause: err });
  }
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:' && (options.allowInsecureEndpoint || LOOPBACK.test(url.hostname))) return;
  throw new PolyfaasError(
    'InvalidArgument',
    `${what} ${url.protocol}//${url.host} is not TLS: use https://, or set allowInsecureEndpoint: true for an emulator you trust the network to`,
  );
}
