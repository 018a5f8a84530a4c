export { parseCount, parseWarmupRate, WARMUP_MAX_MINUTES, WARMUP_MIN_MINUTES } from '../../../bundling/warmup-flags.js';

/** An EventBridge rate expression: `rate(1 minute)`, `rate(5 minutes)`. */
export function eventBridgeRate(minutes: number): string {
  return `rate(${minutes} ${minutes === 1 ? 'minute' : 'minutes'})`;
}
