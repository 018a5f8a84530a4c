import { neutralKind } from './event-input.js';

/**
 * A one-line description of an event for people watching a runtime: the
 * request line, the storage change, the queue and size, or the cron. Never
 * the body, headers or attributes, which may carry secrets; at most 200 characters.
 */
export function summariseEvent(event: unknown): string {
  const e = event as Record<string, unknown>;
  switch (neutralKind(event)) {
    case 'http':
      return clip(`${String(e.method)} ${String(e.path)}`);
    case 'storage':
      return clip(`${String(e.kind)} ${String(e.bucket)}/${String(e.key)}${typeof e.size === 'number' ? ` (${e.size} B)` : ''}`);
    case 'queue':
      return clip(`message on ${String(e.queue)} (${(e.body as Uint8Array).byteLength} B)`);
    case 'schedule':
      return clip(`schedule ${String(e.cron)}`);
    default:
      return 'event';
  }
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
