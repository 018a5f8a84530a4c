/**
 * A small app for the delivery-journal tests. As a script
 * (`node --import tsx durable-app.ts <dir>`), it serves the app with handlers
 * that print one line per attempt and never finish, then writes an object and
 * sends a binary message, so the parent can kill it with events in flight.
 */
import { pathToFileURL } from 'node:url';
import type { AppDefinition, MessageEvent, StorageEvent } from '../../../src/index.js';
import { defineApp, defineFunction } from '../../../src/index.js';
import { serve } from '../index.js';

/** One handler call the app saw. */
export interface Call {
  fn: string;
  attempt: number;
  id: string;
  time: number;
  detail: string;
}

/** The bytes the script sends; not valid UTF-8, so a text round trip would corrupt them. */
export const MESSAGE_BODY = new Uint8Array([0, 255, 254, 10, 13, 1]);

/** The app; `hang` makes every handler wait forever after reporting its call. */
export function durableApp(dir: string, onCall: (call: Call) => void, hang: boolean): AppDefinition {
  const report = async (call: Call) => {
    onCall(call);
    if (hang) await new Promise(() => {});
  };
  return defineApp({
    name: 'durable-test',
    buckets: { data: pathToFileURL(dir).href },
    functions: [
      defineFunction({
        name: 'on-upload',
        trigger: { type: 'storage', bucket: 'data', prefix: 'in/' },
        handler: (event: StorageEvent, ctx) => report({ fn: 'on-upload', attempt: ctx.attempt, id: event.id, time: event.time.getTime(), detail: `${event.key} ${event.etag}` }),
      }),
      defineFunction({
        name: 'on-message',
        trigger: { type: 'queue', queue: 'jobs' },
        handler: (event: MessageEvent, ctx) =>
          report({ fn: 'on-message', attempt: ctx.attempt, id: event.id, time: event.time.getTime(), detail: `${[...event.body].join(',')} ${event.attributes.k}` }),
      }),
    ],
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2] as string;
  const server = await serve(durableApp(dir, (call) => process.stdout.write(`CALL ${JSON.stringify(call)}\n`), true), { schedules: false });
  await server.bucket('data').put('in/a.txt', 'hello');
  server.send('jobs', MESSAGE_BODY, { k: 'v' });
}
