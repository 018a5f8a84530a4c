import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * s3rver ignores `If-None-Match` / `If-Match` on writes; real S3 honours them
 * atomically (412 PreconditionFailed). This proxy sits in front of s3rver and
 * adds exactly that: conditional PutObject and CompleteMultipartUpload requests
 * are checked against the current object and forwarded under a per-key lock, so
 * racing writers see S3's behaviour. Everything else passes through untouched
 * (including the SigV4 signature, since the Host header is kept).
 */
export async function startConditionalProxy(upstreamPort: number): Promise<{ port: number; close: () => Promise<void> }> {
  const locks = new Map<string, Promise<void>>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const ifNoneMatch = req.headers['if-none-match'];
    const ifMatch = req.headers['if-match'];
    const isWrite = req.method === 'PUT' ? !url.searchParams.has('partNumber') : req.method === 'POST' && url.searchParams.has('uploadId');
    if (!isWrite || (ifNoneMatch === undefined && ifMatch === undefined)) return void forward(req, res, upstreamPort);
    const key = url.pathname;
    const previous = locks.get(key) ?? Promise.resolve();
    const mine = previous.then(async () => {
      const current = await headEtag(upstreamPort, key, req);
      const failed = (ifNoneMatch === '*' && current !== undefined) || (ifMatch !== undefined && strip(ifMatch) !== current);
      if (failed) {
        req.resume();
        res.writeHead(412, { 'content-type': 'application/xml' });
        res.end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>');
        return;
      }
      await forward(req, res, upstreamPort);
    });
    const settled = mine.catch(() => undefined);
    locks.set(key, settled);
    void settled.then(() => locks.get(key) === settled && locks.delete(key));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const strip = (etag: string | string[]): string => String(etag).replace(/^"|"$/g, '');

function headEtag(port: number, path: string, original: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const head = request({ host: '127.0.0.1', port, path, method: 'HEAD', headers: { host: original.headers.host ?? '' } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 && res.headers.etag ? strip(res.headers.etag) : undefined);
    });
    head.on('error', reject);
    head.end();
  });
}

function forward(req: IncomingMessage, res: ServerResponse, port: number): Promise<void> {
  return new Promise((resolve) => {
    const upstream = request({ host: '127.0.0.1', port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('end', () => resolve());
      up.on('error', () => resolve());
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
      resolve();
    });
    req.pipe(upstream);
  });
}
