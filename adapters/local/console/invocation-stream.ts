import type { ServerResponse } from 'node:http';
import type { InvocationObserver, InvocationRecord } from '../../../src/adapter.js';
import { CONSOLE_HEADERS } from './respond.js';

/** How often an idle stream sends a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

/**
 * Live invocations as server-sent events: one `invocations` event per batch
 * the observer hands over. A client that reads slower than invocations happen
 * loses batches (each later batch says how many through `lost`) instead of
 * making the server buffer for it.
 */
export class InvocationStreams {
  private readonly open = new Set<ServerResponse>();

  constructor(private readonly observer: InvocationObserver) {}

  /** Start streaming to `res` until the client goes away or {@link close} is called. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { ...CONSOLE_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    let congested = false;
    let lost = 0;
    const unsubscribe = this.observer.subscribe((records: readonly InvocationRecord[]) => {
      if (congested) {
        lost += records.length;
        return;
      }
      const payload = JSON.stringify({ records, lost, dropped: this.observer.dropped });
      lost = 0;
      if (!res.write(`event: invocations\ndata: ${payload}\n\n`)) {
        congested = true;
        res.once('drain', () => (congested = false));
      }
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.open.add(res);
    res.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.open.delete(res);
    });
  }

  /** End every stream (the server is closing). */
  close(): void {
    for (const res of this.open) res.end();
  }
}
