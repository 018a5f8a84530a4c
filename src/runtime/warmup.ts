/** Header that marks an HTTP request as a warm-up ping. */
export const WARMUP_HEADER = 'x-polyfaas-warmup';

/** The body of a non-HTTP warm-up ping (e.g. a scheduled rule invoking a Lambda). */
export const WARMUP_EVENT = { polyfaas: 'warmup' } as const;

/** True if a raw provider payload is a warm-up ping rather than a real event. */
export function isWarmupEvent(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { polyfaas?: unknown }).polyfaas === 'warmup';
}
