import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Header that marks an HTTP request as a warm-up ping; its value must be the configured token. */
export const WARMUP_HEADER = 'x-polyfaas-warmup';

/** Environment variable holding the warm-up token (the bundles set it on every function they warm). */
export const WARMUP_TOKEN_ENV = 'POLYFAAS_WARMUP_TOKEN';

/** The body of a non-HTTP warm-up ping (e.g. a scheduled rule invoking a Lambda). */
export const WARMUP_EVENT = { polyfaas: 'warmup' } as const;

/** True if a raw provider payload is a warm-up ping rather than a real event. */
export function isWarmupEvent(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { polyfaas?: unknown }).polyfaas === 'warmup';
}

/**
 * True if an HTTP request is a warm-up ping the runtime may answer without the
 * handler: it carries {@link WARMUP_HEADER} with exactly `token`. Without a
 * token configured no request is one, so nobody can skip a handler (and its
 * checks) by sending the header. The comparison takes the same time whatever
 * the value, so the token cannot be guessed byte by byte.
 */
export function isWarmupRequest(headers: Readonly<Record<string, string>>, token: string | undefined): boolean {
  const sent = headers[WARMUP_HEADER];
  if (!token || sent === undefined) return false;
  // Digests have one length whatever was sent, which timingSafeEqual requires.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(sent), digest(token));
}

/** A fresh random warm-up token, for bundles to set as {@link WARMUP_TOKEN_ENV} and send with their pings. */
export function generateWarmupToken(): string {
  return randomBytes(32).toString('base64url');
}
