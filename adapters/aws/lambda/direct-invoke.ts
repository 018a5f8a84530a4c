import type { AnyFunction, HttpRequest, Trigger } from '../../../src/index.js';
import { createHttpRequest, createMessageEvent, createScheduleEvent, createStorageEvent, PolyfaasError } from '../../../src/index.js';

/**
 * The envelope that names a function when one Lambda serves a whole app:
 * `{ "polyfaas": "invoke", "function": "predict", "payload": { … } }`.
 */
export interface InvokeEnvelope {
  polyfaas: 'invoke';
  function: string;
  payload?: unknown;
}

/** True for an {@link InvokeEnvelope}. */
export function isInvokeEnvelope(event: unknown): event is InvokeEnvelope {
  const e = event as Partial<InvokeEnvelope> | null;
  return typeof e === 'object' && e !== null && e.polyfaas === 'invoke' && typeof e.function === 'string';
}

/**
 * Turn a direct-invocation JSON payload into the neutral event a function's
 * trigger expects:
 * - HTTP: a request to the trigger's path (method `POST` for `*`) with the payload as JSON body;
 * - storage: `{ key, kind?, size?, etag? }` on the trigger's bucket;
 * - queue: a message whose body is the payload as JSON;
 * - schedule: a firing now.
 */
export function directEvent(fn: AnyFunction, payload: unknown, requestId: string, raw: unknown): unknown {
  const trigger = fn.trigger as Trigger;
  switch (trigger.type) {
    case 'http':
      return directHttpRequest(trigger.method, trigger.path, payload, requestId, raw);
    case 'storage': {
      const p = (payload ?? {}) as { key?: unknown; kind?: unknown; size?: unknown; etag?: unknown };
      if (typeof p.key !== 'string') throw new PolyfaasError('InvalidArgument', `${fn.name} is storage-triggered: invoke it with { "key": "…" }`);
      return createStorageEvent({
        kind: p.kind === 'deleted' ? 'deleted' : 'created',
        bucket: trigger.bucket,
        key: p.key,
        ...(typeof p.size === 'number' ? { size: p.size } : {}),
        ...(typeof p.etag === 'string' ? { etag: p.etag } : {}),
        id: requestId,
        source: 'aws:lambda:invoke',
        raw,
      });
    }
    case 'queue':
      return createMessageEvent({ queue: trigger.queue, body: JSON.stringify(payload ?? null), id: requestId, source: 'aws:lambda:invoke', raw });
    case 'schedule':
      return createScheduleEvent({ cron: trigger.cron, id: requestId, source: 'aws:lambda:invoke', raw });
  }
}

function directHttpRequest(method: string, path: string, payload: unknown, requestId: string, raw: unknown): HttpRequest {
  return createHttpRequest({
    method: method === '*' ? 'POST' : method,
    path,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload ?? null),
    id: requestId,
    source: 'aws:lambda:invoke',
    raw,
  });
}
