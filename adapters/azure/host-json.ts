import type { AppDefinition } from '../../src/index.js';
import { DEFAULT_RETRIES, DEFAULT_TIMEOUT_MS } from '../../src/index.js';

/**
 * Attempts before Azure poisons a message: 1 + the largest `retries` of the
 * app's storage and queue functions. It is one host-wide setting
 * (`extensions.queues.maxDequeueCount`), used by queue triggers and by the
 * blob trigger's internal queue alike.
 */
export function maxDequeueCount(app: AppDefinition): number {
  const retries = app.functions
    .filter((fn) => fn.trigger.type === 'storage' || fn.trigger.type === 'queue')
    .map((fn) => fn.retries ?? DEFAULT_RETRIES);
  return 1 + (retries.length > 0 ? Math.max(...retries) : DEFAULT_RETRIES);
}

/** `hh:mm:ss` for host.json durations. */
function duration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(total / 3600))}:${pad(Math.floor((total % 3600) / 60))}:${pad(total % 60)}`;
}

/**
 * The function app's host.json: extension bundle v4 (blob, queue, Event Grid
 * triggers), no `/api` route prefix (routes are the app's paths), the poison
 * threshold above, and a function timeout one minute over the slowest
 * function's `timeoutMs` so polyfaas reports `DeadlineExceeded` before the host
 * kills the worker. Consumption plans cap it at 10 minutes; use Flex
 * Consumption or Premium for longer functions.
 */
export function hostJson(app: AppDefinition): Record<string, unknown> {
  const slowest = Math.max(DEFAULT_TIMEOUT_MS, ...app.functions.map((fn) => fn.timeoutMs ?? DEFAULT_TIMEOUT_MS));
  return {
    version: '2.0',
    extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' },
    functionTimeout: duration(slowest + 60_000),
    extensions: {
      http: { routePrefix: '' },
      queues: { maxDequeueCount: maxDequeueCount(app), visibilityTimeout: '00:00:30' },
    },
    logging: { logLevel: { default: 'Information' } },
  };
}
