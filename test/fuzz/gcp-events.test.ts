import { readdirSync, readFileSync } from 'node:fs';
import { getFunction } from '@google-cloud/functions-framework/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AnyFunction } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import { registerGcp } from '../../adapters/gcp/index.js';
import type { FunctionServers } from '../gcp/function-servers.js';
import { startFunctionServers } from '../gcp/function-servers.js';
import { eventProblems } from './event-invariants.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { asText, leaksIn, visibleError } from './leaks.js';
import type { Json } from './mutate.js';
import { mutated, oddString, oddValue } from './mutate.js';
import { ProcessWatch } from './process-watch.js';

/**
 * Fuzzes the functions `registerGcp` registers: the CloudEvent handlers in
 * process (as the Functions Framework calls them) with CloudEvents built from
 * the real fixtures (test/fixtures/events/gcp) and edited at random, and the
 * framework's own HTTP server with binary, structured and legacy requests.
 */

interface Fixture {
  headers: Record<string, string>;
  body: Json;
}
const dir = new URL('../fixtures/events/gcp/', import.meta.url);
const fixtures: Record<string, Fixture> = Object.fromEntries(
  readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Fixture]),
);

/** The CloudEvent object the framework hands a `cloudEvent()` function for a binary or structured fixture. */
function asCloudEvent(f: Fixture): Json {
  const ce = Object.fromEntries(Object.entries(f.headers).filter(([k]) => k.startsWith('ce-')).map(([k, v]) => [k.slice(3), v]));
  return Object.keys(ce).length ? { ...ce, data: f.body } : f.body;
}

const problems: string[] = [];
const recorder = (kind: 'storage' | 'queue' | 'schedule') => (event: unknown) => {
  // How many cases got through translation to a handler, for the summary line.
  counter.hit(`gcp-reached-handler`);
  problems.push(...eventProblems(kind, event).map((p) => `${kind}: ${p}`));
};

const app = defineApp({
  name: 'fuzz-gcp',
  buckets: { data: 'gs://sample-bucket/' },
  functions: [
    defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data', events: ['created', 'deleted'] }, handler: recorder('storage') }),
    defineFunction({ name: 'on-job', trigger: { type: 'queue', queue: 'jobs' }, handler: recorder('queue') }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: recorder('schedule') }),
    defineFunction({ name: 'upload', trigger: { type: 'http', method: 'POST', path: '/upload' }, handler: (req) => json({ size: req.body.byteLength }) }),
  ] as AnyFunction[],
});
const eventFunctions = ['on-upload', 'on-job', 'nightly'];

const watch = new ProcessWatch();
const counter = new CaseCounter();
let servers: FunctionServers;
/** What the framework writes with console.error (it logs each failed invocation's stack). */
const logged: string[] = [];
beforeAll(async () => {
  watch.install();
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  registerGcp(app, { env: {}, storage: { apiEndpoint: 'http://127.0.0.1:9', projectId: 'test' }, log: createLogger({ level: 'silent' }) });
  servers = await startFunctionServers([...eventFunctions, 'upload']);
});
afterAll(async () => {
  vi.restoreAllMocks();
  watch.remove();
  await servers?.close();
  console.log(`[fuzz] gcp cases: ${counter.summary()}`);
});

/** The failure text the framework sends back: `<Code>: <message>`, a coded, non-Internal error. */
function failureProblem(err: unknown, sent: string): string | undefined {
  const shown = visibleError(err);
  const leaked = leaksIn(shown, sent);
  if (leaked.length) return `failure shows ${leaked.join(', ')}: ${shown}`;
  const message = err instanceof Error ? err.message : String(err);
  const code = /^([A-Za-z]+): /.exec(message)?.[1];
  if (!code) return `failure without a code: ${shown}`;
  if (code === 'Internal') return `uncoded (Internal) failure: ${shown}`;
  return undefined;
}

const cloudEvents = fc.constantFrom(...Object.values(fixtures).map(asCloudEvent)).chain((e) => mutated(e));
/** The function a fixture is meant for (by its type), so most cases get past type dispatch to the translation. */
const functionFor = (event: Json): string => (JSON.stringify(event).includes('storage') ? 'on-upload' : 'on-job');
const targeted: fc.Arbitrary<[string, Json]> = fc
  .constantFrom(...Object.values(fixtures).map(asCloudEvent))
  .chain((e) => fc.tuple(fc.constantFrom(functionFor(e), 'nightly'), mutated(e)));
const arbitraryCloudEvent = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      id: oddValue,
      type: fc.oneof(fc.constantFrom('google.cloud.storage.object.v1.finalized', 'google.cloud.storage.object.v1.deleted', 'google.cloud.pubsub.topic.v1.messagePublished'), oddString),
      source: oddValue,
      subject: oddValue,
      time: oddValue,
      data: fc.oneof(oddValue, fc.record({ message: fc.record({ data: oddValue, attributes: oddValue, messageId: oddValue, publishTime: oddValue }, { requiredKeys: [] }) }), fc.record({ bucket: oddValue, name: oddValue, size: oddValue, generation: oddValue, updated: oddValue }, { requiredKeys: [] })),
    },
    { requiredKeys: ['type'] },
  ),
);

describe('fuzz: GCP CloudEvent functions registered by registerGcp', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('in process: real CloudEvents edited at random, and arbitrary ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 2, arbitrary: targeted }, fc.tuple(fc.constantFrom(...eventFunctions), fc.oneof(cloudEvents, arbitraryCloudEvent))), async ([name, event]) => {
        counter.hit('gcp');
        problems.length = 0;
        const fn = getFunction(name) as (e: unknown) => Promise<unknown>;
        const sent = asText(event);
        try {
          await fn(event);
        } catch (err) {
          expect(failureProblem(err, sent)).toBeUndefined();
        }
        expect(problems).toEqual([]);
      }),
      fuzzParams(),
    );
  });

  it('over HTTP: binary, structured and legacy requests with edited headers and bodies', async () => {
    const requests = fc
      .constantFrom(...Object.values(fixtures))
      .chain((f) => fc.tuple(fc.constantFrom(functionFor(f as unknown as Json), ...eventFunctions), mutated({ headers: f.headers, body: f.body } as Json)));
    await fc.assert(
      fc.asyncProperty(requests, async ([name, request]) => {
        counter.hit('gcp');
        problems.length = 0;
        const { headers, body } = (request ?? {}) as { headers?: unknown; body?: unknown };
        const sent = asText(request);
        logged.length = 0;
        const res = await fetch(servers.url(name), { method: 'POST', headers: sendableHeaders(headers), body: JSON.stringify(body ?? null) });
        expect(await httpProblem(res, sent)).toBeUndefined();
        expect(problems).toEqual([]);
        // The framework logs a failed function's error (its stack) to stderr: the platform's logs.
        expect(leaksIn(logged.join('\n'), sent)).toEqual([]);
      }),
      fuzzParams(Math.ceil(FUZZ_RUNS / 2)),
    );
  });

  it('the HTTP function: odd methods, paths, headers and bodies answer the neutral JSON error with a code', async () => {
    const request = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      path: fc.oneof(fc.constantFrom('/', '/upload', '/upload/', '//upload', '/%', '/%zz', '/upload%00', `/${'x'.repeat(5000)}`), fc.webPath()),
      type: fc.constantFrom('application/json', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16'),
      body: fc.oneof(fc.constant(undefined), fc.constantFrom('{', '{"a":1}', 'a=1&a=2', '--x\r\n'), fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 6000 })),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        counter.hit('gcp');
        const sent = asText(r);
        const withBody = r.method !== 'GET' && r.method !== 'HEAD' && r.body !== undefined;
        const res = await fetch(`${servers.url('upload')}${r.path}`, { method: r.method, headers: { 'content-type': r.type }, ...(withBody ? { body: r.body } : {}) });
        const text = await res.text();
        if (res.status >= 400 && !res.headers.get('content-type')?.startsWith('application/json')) {
          // Refused by the framework's own body parser (e.g. malformed JSON) before the function ran: see httpProblem.
          counter.hit('gcp-refused-by-framework');
          return;
        }
        expect(leaksIn(text + asText([...res.headers]), sent)).toEqual([]);
        if (res.status >= 400 && r.method !== 'HEAD') {
          const code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
          expect(code).toMatch(/^[A-Z][A-Za-z]+$/);
          expect(code).not.toBe('Internal');
        }
      }),
      fuzzParams(Math.ceil(FUZZ_RUNS / 2)),
    );
  });

  it('stays healthy: no uncaught errors, a real event still succeeds', async () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('gcp')).toBeGreaterThanOrEqual(FUZZ_RUNS);
    const f = fixtures['storage-finalized-binary.json'] as Fixture;
    const res = await fetch(servers.url('on-upload'), { method: 'POST', headers: f.headers, body: JSON.stringify(f.body) });
    expect(res.status).toBe(204);
  });
});

/**
 * What is wrong with the framework's answer. A failure of our function carries
 * `X-Google-Status` (the framework's crash response) and must be `<Code>: <message>`.
 * Requests the framework itself refuses before calling the function (unparseable
 * JSON, legacy events it cannot convert, oversized headers) are its own 4xx/5xx pages,
 * which it strips to the status line in production; they only have to stay errors.
 */
async function httpProblem(res: Response, sent: string): Promise<string | undefined> {
  const text = await res.text();
  if (res.status < 400) return undefined;
  if (res.headers.get('x-google-status')) return failureProblem(new Error(text), sent);
  counter.hit('gcp-refused-by-framework');
  return undefined;
}

/** Headers fetch accepts: string values without line breaks (the edits may have made them anything). */
function sendableHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof headers !== 'object' || headers === null) return out;
  for (const [k, v] of Object.entries(headers)) {
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(k) && /^[\t\x20-\x7e\x80-\xff]*$/.test(value)) out[k] = value;
  }
  return out;
}
