import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequestInit } from '../../src/index.js';
import type { MemoryRuntime } from '../../adapters/memory/index.js';
import { createMemoryRuntime } from '../../adapters/memory/index.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { httpFuzzApp, ODD_PATHS, responseProblem, seenProblems } from './http-app.js';
import { asText, leaksIn } from './leaks.js';
import { oddString } from './mutate.js';
import { ProcessWatch } from './process-watch.js';

/** Fuzzes HTTP requests (methods, paths, query, headers, bodies) through `createMemoryRuntime(app).http`. */

const watch = new ProcessWatch();
const counter = new CaseCounter();
let rt: MemoryRuntime;
beforeAll(async () => {
  watch.install();
  rt = await createMemoryRuntime(httpFuzzApp);
});
afterAll(() => {
  watch.remove();
  console.log(`[fuzz] memory HTTP cases: ${counter.summary()}`);
});

const method = fc.oneof(
  fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'get', 'Post', 'TRACE', 'CONNECT', 'PROPFIND', 'X'),
  fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,12}$/),
);
const pathArb = fc.oneof(fc.constantFrom(...ODD_PATHS), fc.webPath(), fc.string({ maxLength: 30 }).map((s) => `/items/${encodeURIComponent(s)}`));
const requestArb: fc.Arbitrary<HttpRequestInit> = fc.record({
  method,
  path: fc.oneof({ weight: 4, arbitrary: pathArb }, { weight: 1, arbitrary: oddString }),
  query: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), oddString), fc.oneof(fc.string({ maxLength: 8 }), oddString), { maxKeys: 3 }),
  headers: fc.dictionary(
    fc.oneof(fc.constantFrom('content-type', 'Content-Type', 'x-polyfaas-warmup', 'accept', 'content-length', 'transfer-encoding', 'cookie'), fc.string({ maxLength: 10 })),
    fc.oneof(fc.constantFrom('application/json', 'text/plain', '1', '-1', 'chunked', '', 'application/json; charset=utf-16'), oddString),
    { maxKeys: 4 },
  ),
  body: fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('{', '{"a":1}', 'null', '[]', '"x"', '\u0000', '\ud800', 'x'.repeat(5000)),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 6000 }),
  ),
});

describe('fuzz: HTTP through the memory runtime', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('odd methods, paths, queries, headers and bodies: a neutral JSON error with a code, or a handler answer; nothing internal shown', async () => {
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        counter.hit('memory');
        seenProblems.length = 0;
        const res = await rt.http(request);
        const body = res.text();
        // A HEAD answer has no body to check.
        if (request.method?.toUpperCase() !== 'HEAD') expect(responseProblem(res.status, body, request.path)).toBeUndefined();
        expect(leaksIn(body + asText(res.headers), asText(request))).toEqual([]);
        expect(seenProblems).toEqual([]);
      }),
      fuzzParams(),
    );
  });

  it('stays healthy: no uncaught errors, a normal request still works, nothing left over', async () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('memory')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    expect((await rt.http({ method: 'GET', path: '/items/7' })).json()).toEqual({ length: 1 });
    await rt.idle();
    expect(rt.deadLetters).toEqual([]);
  });
});
