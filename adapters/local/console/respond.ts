import type { ServerResponse } from 'node:http';
import type { Logger } from '../../../src/index.js';
import type { ErrorBody } from '../../../src/adapter.js';
import { PolyfaasError } from '../../../src/index.js';
import { httpStatusFor } from '../../../src/adapter.js';

/** Headers on every console response: never cached, never framed, never embedded by another site, never sniffed. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** Answer with a JSON body. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { ...CONSOLE_HEADERS, ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.byteLength });
  res.end(bytes);
}

/**
 * Answer a failure with the neutral error body. Coded failures keep their
 * message, which the console composes without paths; anything else is logged
 * and answered as a bare `Internal error`.
 */
export function sendError(res: ServerResponse, err: unknown, log: Logger): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof PolyfaasError && err.code !== 'Internal' && err.code !== 'DataLoss') {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    sendJson(res, httpStatusFor(err.code), body);
    return;
  }
  log.error('console request failed', { err });
  const body: ErrorBody = { error: { code: 'Internal', message: 'Internal error' } };
  sendJson(res, 500, body);
}
