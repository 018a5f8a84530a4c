export { parseCount, parseWarmupRate, WARMUP_MAX_MINUTES, WARMUP_MIN_MINUTES } from '../../../bundling/warmup-flags.js';

/** A 5-field Cloud Scheduler cron firing every `minutes` minutes (a step on the minute field; hourly for 60). */
export function everyMinutesCron(minutes: number): string {
  return minutes >= 60 ? '0 * * * *' : minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`;
}
