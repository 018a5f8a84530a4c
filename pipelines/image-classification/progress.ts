/** Where a progress bar writes: stderr by default; anything with `write` works. */
export interface ProgressStream {
  write(chunk: string): unknown;
  /** True on a terminal: the bar redraws in place. Otherwise it prints occasional plain lines. */
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options for {@link createProgressBar}. */
export interface ProgressOptions {
  /** Units of work in all. */
  total: number;
  /** Shown before the bar, e.g. `preprocess train`. */
  label?: string;
  /** Default `process.stderr`. */
  stream?: ProgressStream;
  /** Print nothing at all (tests, FaaS handlers). */
  silent?: boolean;
  /** Minimum milliseconds between redraws on a TTY. Default 100. */
  redrawMs?: number;
  /** Minimum milliseconds between plain lines off a TTY (one is also printed per 25 % step). Default 10 000. */
  lineMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** A running progress bar. */
export interface ProgressBar {
  /** Add `n` (default 1) units of completed work. */
  tick(n?: number): void;
  /** Set the completed amount directly. */
  update(done: number): void;
  /** Draw the final state and end the line; later calls do nothing. */
  finish(note?: string): void;
  /** Units completed so far. */
  readonly done: number;
}

/**
 * A dependency-free progress bar. On a TTY it redraws one line with `\r`
 * (throttled, so a million ticks cost a handful of writes); in CI logs and
 * pipes it prints an occasional plain line instead of a wall of carriage returns.
 *
 * @example
 * ```ts
 * const bar = createProgressBar({ total: keys.length, label: 'preprocess' });
 * for (const key of keys) { await work(key); bar.tick(); }
 * bar.finish();
 * ```
 */
export function createProgressBar(options: ProgressOptions): ProgressBar {
  const stream = options.stream ?? process.stderr;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const label = options.label ? `${options.label} ` : '';
  const started = now();
  let done = 0;
  // Off a TTY the first line waits for real progress, so it never shows a meaningless rate.
  let lastDraw = tty ? -Infinity : started;
  let lastQuarter = 0;
  let finished = false;

  const render = (): string => {
    const total = Math.max(options.total, 0);
    const fraction = total === 0 ? 1 : Math.min(done / total, 1);
    const elapsed = (now() - started) / 1000;
    const rate = elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 && done < total ? ` eta ${formatSeconds((total - done) / rate)}` : '';
    const stats = `${(fraction * 100).toFixed(0).padStart(3)}% ${done}/${total} ${formatRate(rate)} ${formatSeconds(elapsed)}${eta}`;
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - stats.length - 4));
    return `${label}${formatBar(fraction, width)} ${stats}`;
  };

  const draw = (force: boolean): void => {
    if (options.silent || finished) return;
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < (options.redrawMs ?? 100)) return;
      stream.write(`\r${render()}\x1b[K`);
      lastDraw = t;
      return;
    }
    // Quarters 1-3 only: the 100 % line is finish()'s job, so it is not printed twice.
    const quarter = options.total > 0 ? Math.min(Math.floor((done / options.total) * 4), 3) : 0;
    if (done >= options.total) return;
    if (force || quarter > lastQuarter || t - lastDraw >= (options.lineMs ?? 10_000)) {
      stream.write(`${render()}\n`);
      lastDraw = t;
      lastQuarter = quarter;
    }
  };

  return {
    tick(n = 1) {
      done += n;
      draw(false);
    },
    update(value) {
      done = value;
      draw(false);
    },
    finish(note) {
      if (finished || options.silent) {
        finished = true;
        return;
      }
      const line = `${render()}${note ? ` ${note}` : ''}`;
      stream.write(tty ? `\r${line}\x1b[K\n` : `${line}\n`);
      finished = true;
    },
    get done() {
      return done;
    },
  };
}

/** `[#####-----]` for a fraction in [0, 1], `width` cells wide. */
export function formatBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(Math.max(fraction, 0), 1) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${String(Math.round(seconds - m * 60)).padStart(2, '0')}s`;
}

/** Items per second; slow work (a data-parallel round every few seconds) per minute, so it never reads `0/s`. */
function formatRate(perSecond: number): string {
  if (perSecond >= 10) return `${perSecond.toFixed(0)}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)}/s`;
  return `${(perSecond * 60).toFixed(1)}/min`;
}
