import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.js';
import type { LocalServer } from '../../adapters/local/index.js';
import { serve } from '../../adapters/local/index.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { httpFuzzApp, ODD_PATHS, responseProblem, seenProblems } from './http-app.js';
import { asText, leaksIn } from './leaks.js';
import { ProcessWatch } from './process-watch.js';

/**
 * Fuzzes the local server (`serve`) over real sockets: well-formed but odd
 * requests through node:http, and raw, malformed HTTP written with node:net.
 */

const watch = new ProcessWatch();
const counter = new CaseCounter();
const agent = new Agent({ keepAlive: true, maxSockets: 4 });
let server: LocalServer;
let rssBefore = 0;
beforeAll(async () => {
  watch.install();
  server = await serve(httpFuzzApp, { log: createLogger({ level: 'silent' }), schedules: false });
  rssBefore = process.memoryUsage().rss;
});
afterAll(async () => {
  agent.destroy();
  await server?.close();
  watch.remove();
  console.log(`[fuzz] local HTTP cases: ${counter.summary()}`);
});

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string>, body: Uint8Array | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Node's client frames no body for DELETE, TRACE…: without a length the body would read as the next request.
    const framed = body ? { ...headers, 'content-length': String(body.byteLength) } : headers;
    const req = httpRequest({ agent, host: '127.0.0.1', port: server.port, method, path, headers: framed }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/);
const method = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'get') }, { weight: 1, arbitrary: token });
const target = fc.oneof(
  fc.constantFrom(...ODD_PATHS),
  fc.webPath(),
  fc.string({ maxLength: 30 }).map((s) => `/items/${encodeURIComponent(s)}`),
  fc.tuple(fc.webPath(), fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 })).map(([p, q]) => `${p}?${new URLSearchParams(q).toString()}`),
);
const headerValue = fc.oneof(fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', '1', '', 'gzip', 'x'.repeat(4000)), fc.string({ unit: 'grapheme-ascii', maxLength: 30 }));
const headers = fc.dictionary(fc.oneof(fc.constantFrom('content-type', 'x-polyfaas-warmup', 'accept', 'content-encoding', 'expect', 'cookie'), token), headerValue, { maxKeys: 4 });
const body = fc.oneof(fc.constant(undefined), fc.constantFrom('{', '{"a":1}', 'null', '\u0000'), fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 6000 }));

describe('fuzz: HTTP through the local server', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('odd but well-formed requests over node:http: a neutral JSON error with a code, or a handler answer', async () => {
    await fc.assert(
      fc.asyncProperty(method, target, headers, body, async (m, path, h, b) => {
        counter.hit('local');
        seenProblems.length = 0;
        // 100-continue needs a client that waits for it; it is exercised by the raw cases.
        const { expect: _ignored, ...sendable } = h;
        const bytes = typeof b === 'string' ? new TextEncoder().encode(b) : b;
        const res = await send(m, path, sendable, m === 'GET' || m === 'HEAD' ? undefined : bytes);
        // A HEAD answer has no body to check.
        if (m !== 'HEAD') expect(responseProblem(res.status, res.body, path)).toBeUndefined();
        expect(leaksIn(res.body + asText(res.headers), asText([m, path, h, b]))).toEqual([]);
        expect(seenProblems).toEqual([]);
      }),
      fuzzParams(),
    );
  });

  it('raw malformed HTTP over node:net: an HTTP answer or a closed socket, never a leak', async () => {
    await fc.assert(
      fc.asyncProperty(rawRequest, async (raw) => {
        counter.hit('local');
        seenProblems.length = 0;
        const answer = await exchange(raw);
        const target = raw.split(/\r?\n|\r/, 1)[0]?.split(' ')[1] ?? '';
        expect(rawAnswerProblem(answer, target)).toBeUndefined();
        // How many raw cases got past the parser to the app (its answers carry x-request-id).
        if (/x-request-id:/i.test(answer)) counter.hit('local-raw-reached-app');
        expect(leaksIn(answer, raw)).toEqual([]);
        expect(seenProblems).toEqual([]);
      }),
      fuzzParams(Math.ceil(FUZZ_RUNS / 2)),
    );
  });

  it('stays healthy: no uncaught errors, normal requests still work, memory bounded', async () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('local')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    const ok = await fetch(`${server.url}/items/7`);
    expect(await ok.json()).toEqual({ length: 1 });
    const upload = await fetch(`${server.url}/upload`, { method: 'POST', body: 'abc' });
    expect(await upload.json()).toEqual({ size: 3 });
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });
});

// Each part is usually valid and sometimes broken, so cases get past the parser as well as trip it.
const rawMethod = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') }, fc.constantFrom('get', 'G ET', '', 'PRI', 'CONNECT', '\u0000GET', 'GET\t'), token);
const rawTarget = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_PATHS.slice(0, -4)) },
  fc.constantFrom('/', '/items/1', '/upload', '/json', '/boom', '*', 'http://example.com/items/1', '//', '/items/ spaced', '/items/\u0000', '/items/\u00ff', '/items/%', '', `/${'x'.repeat(20_000)}`, '/items/1?q=%zz'),
  fc.string({ unit: 'binary-ascii', maxLength: 20 }).map((s) => `/${s}`),
);
const rawVersion = fc.oneof({ weight: 4, arbitrary: fc.constantFrom('HTTP/1.1', 'HTTP/1.0') }, fc.constantFrom('HTTP/2.0', 'HTTP/1.1x', 'HTTP/0.9', '', 'http/1.1', 'HTTP/9.9'));
const rawHeader = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('Content-Type: application/json', 'Content-Type: text/plain', 'Accept: */*', 'Content-Length: 3', 'Transfer-Encoding: chunked', 'Cookie: a=1') },
  fc.constantFrom(
    'Host: x',
    'Content-Length: 5',
    'Content-Length: -1',
    'Content-Length: 99999999999999999999',
    'Content-Length: 3\r\nContent-Length: 4',
    'Content-Length: 1, 2',
    'Transfer-Encoding: chunked',
    'Transfer-Encoding: gzip, chunked',
    'Transfer-Encoding: chunked\r\nContent-Length: 3',
    'Expect: 100-continue',
    'Content-Type: application/json',
    'X-Polyfaas-Warmup: 1',
    'NoColon',
    ': no-name',
    ' folded: line',
    'X-Nul: a\u0000b',
    'X-Del: \u007f',
    'X-Long: ' + 'y'.repeat(20_000),
    'Connection: close',
    'Connection: keep-alive, Upgrade\r\nUpgrade: websocket',
  ),
  fc.tuple(token, fc.string({ unit: 'binary-ascii', maxLength: 20 })).map(([k, v]) => `${k}: ${v}`),
);
const rawBody = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc.constantFrom('', 'abc', '{"a":1}', '{', '5\r\nhello\r\n0\r\n\r\n', 'zz\r\nxx\r\n', '3\r\nab', '0\r\n\r\n', 'ffffffffffffffff\r\n'),
  fc.string({ unit: 'binary-ascii', maxLength: 100 }),
);
const brokenRequest = fc
  .record({ m: rawMethod, t: rawTarget, v: rawVersion, hs: fc.array(rawHeader, { maxLength: 3 }), eol: fc.oneof({ weight: 4, arbitrary: fc.constant('\r\n') }, fc.constantFrom('\n', '\r')), b: rawBody, host: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, fc.constant(false)) })
  .map(({ m, t, v, hs, eol, b, host }) => `${m} ${t} ${v}${eol}${[...(host ? ['Host: fuzz'] : []), ...hs].map((h) => `${h}${eol}`).join('')}${eol}${b}`);

/** A well-framed request (valid line, Host, exact Content-Length) with a few odd headers and an odd body. */
const framedRequest = fc
  .record({
    m: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
    t: fc.oneof(fc.constantFrom(...ODD_PATHS), fc.webPath({ size: 'small' })),
    hs: fc.array(rawHeader.filter((h) => !/content-length|transfer-encoding/i.test(h)), { maxLength: 2 }),
    b: fc.oneof(fc.constant(''), fc.constantFrom('{', '{"a":1}', 'null'), fc.string({ unit: 'binary-ascii', maxLength: 100 })),
  })
  .map(({ m, t, hs, b }) => `${m} ${t} HTTP/1.1\r\nHost: fuzz\r\n${hs.map((h) => `${h}\r\n`).join('')}Content-Length: ${Buffer.byteLength(b, 'latin1')}\r\n\r\n${b}`);
const rawRequest = fc.oneof(framedRequest, brokenRequest);

/** Write `raw`, half-close, and return everything the server says before it closes (or 2 s pass). */
function exchange(raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 2000);
    socket.on('connect', () => socket.end(Buffer.from(raw, 'latin1')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
  });
}

/**
 * Every response in the answer is a well-formed status line; an error our
 * stack produced (JSON) carries a code. The transport's own refusals of
 * unparseable requests may have an empty body.
 */
function rawAnswerProblem(answer: string, target: string): string | undefined {
  for (const response of answer.split(/(?=HTTP\/1\.[01] \d{3})/).filter(Boolean)) {
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(response);
    if (!status) return `not an HTTP response: ${JSON.stringify(response.slice(0, 120))}`;
    const [head, ...rest] = response.split('\r\n\r\n');
    const body = rest.join('\r\n\r\n');
    if (/content-type: application\/json/i.test(head ?? '') && Number(status[1]) >= 400) {
      const problem = responseProblem(Number(status[1]), dechunk(body, head ?? ''), target);
      if (problem) return problem;
    }
  }
  return undefined;
}

function dechunk(body: string, head: string): string {
  if (!/transfer-encoding: chunked/i.test(head)) return body;
  let out = '';
  let rest = body;
  for (;;) {
    const eol = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, eol), 16);
    if (!(size > 0)) return out;
    out += rest.slice(eol + 2, eol + 2 + size);
    rest = rest.slice(eol + 4 + size);
  }
}
