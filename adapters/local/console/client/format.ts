/** A function's trigger as the server describes it. */
export type TriggerView =
  | { type: 'http'; method: string; path: string }
  | { type: 'storage'; bucket: string; prefix?: string; suffix?: string; events?: string[] }
  | { type: 'queue'; queue: string }
  | { type: 'schedule'; cron: string };

/** One invocation as the server records it. */
export interface InvocationView {
  seq: number;
  function: string;
  trigger: string;
  requestId: string;
  start: number;
  durationMs: number;
  status: 'ok' | 'error';
  httpStatus?: number;
  errorCode?: string;
  errorMessage?: string;
  attempt: number;
  coldStart: boolean;
  summary: string;
  logs: { level: string; msg: string; time: number }[];
  logsDropped: number;
}

/** A trigger in a few words: `POST /predict`, `data: raw/…*.json`, `queue jobs`, `cron 0 * * * *`. */
export function triggerText(t: TriggerView): string {
  switch (t.type) {
    case 'http':
      return `${t.method === '*' ? 'ANY' : t.method} ${t.path}`;
    case 'storage':
      return `bucket ${t.bucket}: ${t.prefix ?? ''}*${t.suffix ?? ''} (${(t.events ?? ['created']).join(', ')})`;
    case 'queue':
      return `queue ${t.queue}`;
    case 'schedule':
      return `cron ${t.cron}`;
  }
}

/** Milliseconds, readable. */
export function ms(value: number): string {
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value < 10 && !Number.isInteger(value) ? value.toFixed(2) : Math.round(value)} ms`;
}

/** Bytes, readable. */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** A time of day for an epoch ms or ISO string. */
export function clock(time: number | string): string {
  return new Date(time).toLocaleTimeString();
}

/** How an invocation ended, in a word or two. */
export function outcome(r: InvocationView): string {
  if (r.httpStatus !== undefined) return r.errorCode ? `${r.httpStatus} ${r.errorCode}` : String(r.httpStatus);
  return r.status === 'ok' ? 'ok' : (r.errorCode ?? 'error');
}

/** US dollars with two significant digits below a cent, so a fraction of a cent still reads as a number. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  if (value >= 0.01) return `$${value.toFixed(2)}`;
  return `$${value.toFixed(Math.min(12, 1 - Math.floor(Math.log10(value))))}`;
}
