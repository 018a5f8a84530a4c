import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { HttpResponse, Logger } from '../../src/index.js';
import type { AppRuntime, ErrorBody } from '../../src/adapter.js';
import { PolyfaasError } from '../../src/index.js';
import {
  encodeHttpResponse,
  errorResponse,
  fromNodeRequest,
  nodeRequestPath,
  readBodyWithLimit,
  writeEncoded,
  writeNodeResponse,
} from '../../src/adapter.js';

/**
 * Limits of the local HTTP server. Every default is finite, so a client that
 * sends slowly, never finishes, or opens connections by the thousand cannot
 * hold the server's sockets.
 */
export interface HttpServerLimits {
  /** Time a client has to send the complete request headers; then 408. Default 10 000 ms. */
  headersTimeoutMs?: number;
  /** Time a client has to send the complete request (headers and body); then 408. Default 120 000 ms. */
  requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. Default 5 000 ms. */
  keepAliveTimeoutMs?: number;
  /** Connections open at once; further ones are closed at once. Default 1 024. */
  maxConnections?: number;
  /** Largest request head (request line and headers) in bytes; larger ones get 431. Default 16 384. */
  maxHeaderBytes?: number;
  /**
   * How long a client that sent an oversized body may keep sending after its
   * 413 (which it can read meanwhile) before the connection is closed. Default 2 000 ms.
   */
  oversizeDrainMs?: number;
  /** How many bytes of an oversized body are read and discarded at most before closing. Default 64 MiB. */
  oversizeDrainBytes?: number;
}

/** Defaults of {@link HttpServerLimits}. */
export const DEFAULT_HTTP_LIMITS: Required<HttpServerLimits> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
  maxHeaderBytes: 16 * 1024,
  oversizeDrainMs: 2_000,
  oversizeDrainBytes: 64 * 1024 * 1024,
};

/**
 * The local runtime's HTTP transport: Node's server with finite limits, body
 * limits enforced while reading, 413s that clients still sending can read,
 * JSON error bodies for the transport's own 4xx, and every response written by
 * the core encoder. `track` receives each request's work so `idle()` can wait for it.
 */
export function createHttpServer(
  rt: AppRuntime,
  log: Logger,
  limits: HttpServerLimits,
  track: (work: Promise<void>) => void,
  /** Handles the requests it claims (the console's) before the app's routes; `undefined` passes. */
  intercept?: (req: IncomingMessage, res: ServerResponse) => Promise<void> | undefined,
): Server {
  const l = { ...DEFAULT_HTTP_LIMITS, ...definedOnly(limits) };
  const refusedBeforeBody = new WeakSet<IncomingMessage>();
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    track(
      intercept?.(req, res) ??
      handleRequest(rt, req, res, log, l, refusedBeforeBody.has(req)).catch((err: unknown) => {
        // Last line of defence: a transport bug must cost one request, never the process.
        log.error('request handling crashed', { err });
        res.destroy();
      }),
    );
  const server = createServer(
    {
      headersTimeout: l.headersTimeoutMs,
      requestTimeout: Math.max(l.requestTimeoutMs, l.headersTimeoutMs),
      keepAliveTimeout: l.keepAliveTimeoutMs,
      maxHeaderSize: l.maxHeaderBytes,
      // Node checks the two timeouts on this interval (30 s by default): it bounds how late a slow client is dropped.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(l.headersTimeoutMs / 4))),
    },
    handle,
  );
  server.maxConnections = l.maxConnections;
  // With this listener Node no longer answers `Expect: 100-continue` itself, so an
  // oversized upload can be refused before the client sends a byte of it.
  server.on('checkContinue', (req, res) => {
    const limit = rt.maxBodyBytesFor(req.method ?? 'GET', nodeRequestPath(req));
    const declared = req.headers['content-length'];
    if (declared === undefined || Number(declared) <= limit) res.writeContinue();
    else refusedBeforeBody.add(req);
    handle(req, res);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => answerClientError(err, socket, log));
  return server;
}

/** Answer one request: failures become JSON error responses or, once headers are out, a cut connection. */
async function handleRequest(
  rt: AppRuntime,
  req: IncomingMessage,
  res: ServerResponse,
  log: Logger,
  limits: Required<HttpServerLimits>,
  refusedBeforeBody: boolean,
): Promise<void> {
  const started = Date.now();
  const requestId = headerValue(req, 'x-request-id') ?? randomUUID();
  const method = req.method ?? 'GET';
  const path = nodeRequestPath(req);
  const reqLog = log.child({ requestId, method, path });
  const extraHeaders = { 'x-request-id': requestId };
  // Errors on a dropped connection are expected; without listeners they would crash the process.
  req.on('error', (err) => reqLog.debug('request stream error', { err }));
  res.on('error', (err) => reqLog.debug('response stream error', { err }));
  try {
    const limit = rt.maxBodyBytesFor(method, path);
    const read = await readBodyWithLimit(req, limit);
    if (read.kind === 'aborted') {
      reqLog.debug('client went away before sending the whole body');
      return;
    }
    if (read.kind === 'too-large') {
      const err = new PolyfaasError('PayloadTooLarge', `Body exceeds the ${limit}-byte limit for ${method} ${path}`, { details: { limit } });
      refuseOversized(req, res, errorResponse(err, requestId, reqLog), { requestId, log: reqLog, limits, refusedBeforeBody });
      return;
    }
    const response = await rt.handleHttp(fromNodeRequest(req, read.body, { requestId, source: 'polyfaas://local/http' }), { requestId });
    if (res.destroyed || res.writableEnded) {
      reqLog.debug('client went away before the response');
      return;
    }
    writeNodeResponse(req, res, response, { requestId, log: reqLog, extraHeaders });
    reqLog.info('request', { status: res.statusCode, ms: Date.now() - started });
  } catch (err) {
    reqLog.error('request failed in transport', { err });
    if (!res.headersSent && !res.destroyed) writeNodeResponse(req, res, errorResponse(err, requestId, reqLog), { requestId, log: reqLog, extraHeaders });
    else res.destroy();
  }
}

/**
 * Answer 413 without holding the oversized body. The whole answer is written
 * at once, but the response is only ended (which makes Node close the
 * connection) once the upload is complete, or after `oversizeDrainBytes` or
 * `oversizeDrainMs`: closing while the client still sends would make its
 * kernel reset the connection, and the client would lose the 413 it was about
 * to read. The rest of the upload is discarded as it arrives. A request that
 * was refused before `100 Continue` has no body coming, so it ends at once.
 */
function refuseOversized(
  req: IncomingMessage,
  res: ServerResponse,
  response: HttpResponse,
  options: { requestId: string; log: Logger; limits: Required<HttpServerLimits>; refusedBeforeBody: boolean },
): void {
  const encoded = encodeHttpResponse(response, { method: req.method ?? 'GET', requestId: options.requestId, log: options.log });
  const extra = { 'x-request-id': options.requestId, connection: 'close' };
  if (req.complete || options.refusedBeforeBody) {
    writeEncoded(res, encoded, extra);
    return;
  }
  res.writeHead(encoded.status, { ...encoded.headers, ...extra, 'content-length': encoded.body.byteLength });
  res.write(Buffer.from(encoded.body));
  let drained = 0;
  const finish = () => {
    clearTimeout(timer);
    req.off('data', onData);
    req.off('end', finish);
    if (!res.writableEnded) res.end();
  };
  const onData = (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > options.limits.oversizeDrainBytes) finish();
  };
  const timer = setTimeout(finish, options.limits.oversizeDrainMs);
  timer.unref();
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.resume();
}

const CLIENT_ERRORS: Record<string, { status: number; reason: string; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, reason: 'Request Header Fields Too Large', message: 'Request headers are too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, reason: 'Request Timeout', message: 'The request was not received in time' },
};

/**
 * Answer a request Node could not parse (or that timed out) with the neutral
 * JSON error body, then close: the connection's framing can no longer be trusted.
 */
function answerClientError(err: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  const known = CLIENT_ERRORS[err.code ?? ''];
  const { status, reason, message } = known ?? { status: 400, reason: 'Bad Request', message: 'Malformed HTTP request' };
  log.debug('client error', { err, status });
  if (!socket.writable || err.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  // A complete pipelined request may still be answering on this socket: write the error after it, not into it.
  // (A request still sending its body when it timed out is not waited for.)
  const answering = (socket as { _httpMessage?: ServerResponse })._httpMessage;
  if (answering && !answering.writableFinished && answering.req.complete && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
    answering.once('close', () => answerClientError(err, socket, log));
    return;
  }
  const code = status === 408 ? 'DeadlineExceeded' : 'InvalidArgument';
  const body: ErrorBody = { error: { code, message } };
  const bytes = Buffer.from(JSON.stringify(body));
  const head = `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${bytes.byteLength}\r\nConnection: close\r\n\r\n`;
  // A HEAD request's answer never has a body, even when Node could not parse the rest of it.
  const headOnly = /^HEAD /i.test(rawPacketText(err));
  socket.end(headOnly ? Buffer.from(head) : Buffer.concat([Buffer.from(head), bytes]));
}

/** The first bytes of what the client sent, when Node's parser kept them. */
function rawPacketText(err: NodeJS.ErrnoException): string {
  const raw = (err as { rawPacket?: unknown }).rawPacket;
  return Buffer.isBuffer(raw) ? raw.subarray(0, 8).toString('latin1') : '';
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' && value.length > 0 && value.length <= 200 ? value : undefined;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
