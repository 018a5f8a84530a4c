import type { ServerResponse } from 'node:http';
import type { InvocationObserver, InvocationRecord } from '../../../src/adapter.js';
import { CONSOLE_HEADERS } from './respond.js';

/** How often an idle stream sends a comment, so proxies and browsers keep it open. */
const HEARTBEAT_MS = 15_000;

interface Client {
  readonly res: ServerResponse;
  congested: boolean;
  /** Invocation records not sent to this client while it was congested. */
  lost: number;
}

/**
 * The console's one server-sent-event stream: an `invocations` event per
 * batch the observer hands over, and whatever else the console broadcasts
 * (`training` progress). A client that reads slower than events happen loses
 * them (an `invocations` event says how many records through `lost`) instead
 * of making the server buffer for it.
 */
export class ConsoleEvents {
  private readonly clients = new Set<Client>();

  constructor(private readonly observer: InvocationObserver) {}

  /** How many clients are listening: producers skip work nobody would see. */
  get listeners(): number {
    return this.clients.size;
  }

  /** Start streaming to `res` until the client goes away or {@link close} is called. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { ...CONSOLE_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write('retry: 2000\n\n');
    const client: Client = { res, congested: false, lost: 0 };
    const unsubscribe = this.observer.subscribe((records: readonly InvocationRecord[]) => {
      if (client.congested) {
        client.lost += records.length;
        return;
      }
      const lost = client.lost;
      client.lost = 0;
      this.send(client, 'invocations', { records, lost, dropped: this.observer.dropped });
    });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    this.clients.add(client);
    res.once('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      this.clients.delete(client);
    });
  }

  /** Send one event to every client that keeps up; congested ones miss it. */
  broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const payload = JSON.stringify(data);
    for (const client of this.clients) if (!client.congested) this.write(client, event, payload);
  }

  /** End every stream (the server is closing). */
  close(): void {
    for (const client of this.clients) client.res.end();
  }

  private send(client: Client, event: string, data: unknown): void {
    this.write(client, event, JSON.stringify(data));
  }

  private write(client: Client, event: string, payload: string): void {
    if (!client.res.write(`event: ${event}\ndata: ${payload}\n\n`)) {
      client.congested = true;
      client.res.once('drain', () => (client.congested = false));
    }
  }
}
