import type { CronSchedule } from '../../src/adapter.js';

/** One schedule and what to do when it fires. */
export interface ScheduledJob {
  readonly schedule: CronSchedule;
  /** Called with the UTC minute the run was scheduled for. */
  readonly fire: (scheduledTime: Date) => void;
}

const MINUTE_MS = 60_000;

/**
 * Wakes at each minute boundary and fires the jobs whose schedule matches that
 * minute. Minutes missed while the process was suspended are skipped, not
 * replayed, as cloud schedulers do.
 */
export class MinuteScheduler {
  private timer: NodeJS.Timeout | undefined;
  private lastMinute: number;

  constructor(
    private readonly jobs: readonly ScheduledJob[],
    private readonly now: () => number = Date.now,
  ) {
    // The minute we start in has already begun; its runs belong to whoever ran before us.
    this.lastMinute = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
  }

  /** Start waking every minute. No-op without jobs or when already started. */
  start(): void {
    if (this.jobs.length === 0 || this.timer) return;
    this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Fire every job due in the minute containing `minute`. */
  fireDue(minute: Date): void {
    for (const job of this.jobs) if (job.schedule.matches(minute)) job.fire(minute);
  }

  private arm(): void {
    const now = this.now();
    const nextBoundary = Math.floor(now / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
    this.timer = setTimeout(() => this.wake(), nextBoundary - now);
    // A schedule alone must not keep a process alive; the HTTP server does that.
    this.timer.unref();
  }

  private wake(): void {
    const minute = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    // Timers can fire a hair early or twice in one minute after clock changes; fire each minute once.
    if (minute > this.lastMinute) {
      this.lastMinute = minute;
      this.fireDue(new Date(minute));
    }
    this.arm();
  }
}
