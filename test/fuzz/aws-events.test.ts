import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyFunction } from '../../src/index.js';
import { createLogger, defineApp, defineFunction, json } from '../../src/index.js';
import { toLambda } from '../../adapters/aws/index.js';
import type { LambdaContextLike } from '../../adapters/aws/lambda/lambda-context.js';
import { CaseCounter, FUZZ_RUNS, FUZZ_TIMEOUT_MS, fuzzParams } from './fuzz-config.js';
import { eventProblems } from './event-invariants.js';
import { asText, badFailure, leaksIn, visibleError } from './leaks.js';
import type { Json } from './mutate.js';
import { mutated, oddString, oddValue } from './mutate.js';
import { ProcessWatch } from './process-watch.js';

/** Fuzzes `toLambda(app).handler` with real AWS events (test/fixtures/events/aws) edited at random, and with arbitrary JSON. */

const dir = new URL('../fixtures/events/aws/', import.meta.url);
const fixtures: Record<string, Json> = Object.fromEntries(
  readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as Json]),
);

const problems: string[] = [];
const recorder = (kind: 'storage' | 'queue' | 'schedule') => (event: unknown) => {
  // How many cases got through translation to a handler, for the summary line.
  counter.hit(`aws-reached-handler`);
  problems.push(...eventProblems(kind, event).map((p) => `${kind}: ${p}`));
};
const http = (name: string, method: 'GET' | 'POST' | '*', path: string) =>
  defineFunction({
    name,
    trigger: { type: 'http', method, path },
    handler: (req) => {
      counter.hit('aws-reached-handler');
      problems.push(...eventProblems('http', req).map((p) => `http: ${p}`));
      return json({ ok: true });
    },
  });

const app = defineApp({
  name: 'fuzz-aws',
  buckets: { data: 's3://sourcebucket', other: 's3://example-bucket/test/' },
  functions: [
    http('rest', 'POST', '/hello/world'),
    http('http-api', 'POST', '/my/path'),
    http('root', 'GET', '/'),
    http('items', '*', '/items/:id'),
    defineFunction({ name: 'on-upload', trigger: { type: 'storage', bucket: 'data', events: ['created', 'deleted'] }, handler: recorder('storage') }),
    defineFunction({ name: 'on-delete', trigger: { type: 'storage', bucket: 'other', events: ['deleted'] }, handler: recorder('storage') }),
    defineFunction({ name: 'jobs', trigger: { type: 'queue', queue: 'SQSQueue' }, handler: recorder('queue') }),
    defineFunction({ name: 'topic', trigger: { type: 'queue', queue: 'EXAMPLE' }, handler: recorder('queue') }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: recorder('schedule') }),
  ] as AnyFunction[],
});

const { handler, functions } = toLambda(app, { env: {}, log: createLogger({ level: 'silent' }) });

const context: fc.Arbitrary<LambdaContextLike | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ awsRequestId: fc.oneof(fc.uuid(), oddString.filter((s) => s.length > 0)), remaining: fc.oneof(fc.constantFrom(60_000, 0, -1, Number.NaN, Infinity), fc.integer()) }).map(
    ({ awsRequestId, remaining }) => ({ awsRequestId, functionName: 'fuzz', getRemainingTimeInMillis: () => remaining }),
  ),
);

const watch = new ProcessWatch();
const counter = new CaseCounter();
beforeAll(() => void watch.install());
afterAll(() => {
  watch.remove();
  console.log(`[fuzz] aws cases: ${counter.summary()}`);
});

/** Run one event through a Lambda handler and say what is wrong with the outcome (undefined: nothing). */
async function outcomeProblem(run: () => Promise<unknown>, input: unknown): Promise<string | undefined> {
  problems.length = 0;
  const sent = asText(input);
  let result: unknown;
  try {
    result = await run();
  } catch (err) {
    return badFailure(err, sent);
  }
  if (problems.length) return `handler saw a malformed event: ${problems.join('; ')}`;
  const shown = asText(result);
  const leaked = leaksIn(decodedBody(result) + shown, sent);
  if (leaked.length) return `result shows ${leaked.join(', ')}: ${shown.slice(0, 300)}`;
  return resultShapeProblem(result);
}

function decodedBody(result: unknown): string {
  const r = result as { body?: unknown; isBase64Encoded?: unknown } | undefined;
  return r && typeof r.body === 'string' && r.isBase64Encoded === true ? Buffer.from(r.body, 'base64').toString('utf8') : '';
}

/** HTTP errors carry the neutral JSON body with a code; SQS failures name real message ids. */
function resultShapeProblem(result: unknown): string | undefined {
  const r = result as { statusCode?: unknown; body?: unknown; batchItemFailures?: unknown } | undefined;
  if (r && typeof r === 'object' && 'statusCode' in r) {
    if (!Number.isInteger(r.statusCode)) return `statusCode ${String(r.statusCode)}`;
    if ((r.statusCode as number) >= 400) {
      const body = JSON.parse(String(r.body)) as { error?: { code?: unknown } };
      if (typeof body.error?.code !== 'string') return `error response without a code: ${String(r.body)}`;
      if (body.error.code === 'Internal') return `uncoded (Internal) HTTP error: ${String(r.body)}`;
    }
  }
  if (r && typeof r === 'object' && 'batchItemFailures' in r) {
    const failures = r.batchItemFailures as { itemIdentifier?: unknown }[];
    if (!failures.every((f) => typeof f.itemIdentifier === 'string' && f.itemIdentifier.length > 0)) return `batch failure without an id: ${asText(failures)}`;
  }
  return undefined;
}

const fixtureEvent = fc.constantFrom(...Object.keys(fixtures)).chain((name) => mutated(fixtures[name] as Json));
const recordsOf = fc.constantFrom('aws:s3', 'aws:sqs', 'aws:sns').chain((source) =>
  fc.array(fc.dictionary(fc.oneof(fc.constantFrom('s3', 'Sns', 'body', 'messageId', 'eventName', 'eventTime', 'attributes', 'messageAttributes', 'eventSourceARN'), fc.string({ maxLength: 8 })), oddValue, { maxKeys: 6 }), { minLength: 1, maxLength: 4 }).map((records) => ({
    Records: records.map((r) => ({ ...r, [source === 'aws:sns' ? 'EventSource' : 'eventSource']: source })),
  })),
);
const arbitraryEvent = fc.oneof(fc.jsonValue({ maxDepth: 3 }), recordsOf, fc.record({ requestContext: oddValue, version: fc.constantFrom('2.0', '1.0'), httpMethod: oddValue, path: oddValue, rawPath: oddValue }, { requiredKeys: ['requestContext'] }));

describe('fuzz: AWS Lambda events into toLambda(app).handler', { timeout: FUZZ_TIMEOUT_MS }, () => {
  it('real events with fields dropped, nulled, retyped or made huge: coded failures only, no leaks', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureEvent, context, async (event, ctx) => {
        counter.hit('aws');
        expect(await outcomeProblem(() => handler(event, ctx), event)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('arbitrary JSON and record lists: coded failures only, no leaks', async () => {
    await fc.assert(
      fc.asyncProperty(arbitraryEvent, context, async (event, ctx) => {
        counter.hit('aws');
        expect(await outcomeProblem(() => handler(event, ctx), event)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('one function per Lambda (POLYFAAS_FUNCTION): edited real events and arbitrary direct payloads', async () => {
    const names = Object.keys(functions);
    const payload = fc.oneof(fixtureEvent, fc.jsonValue({ maxDepth: 3 }), fc.record({ key: oddValue, kind: oddValue, size: oddValue, etag: oddValue }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...names), payload, context, async (name, payload, ctx) => {
        counter.hit('aws');
        expect(await outcomeProblem(() => (functions[name] as (e: unknown, c?: LambdaContextLike) => Promise<unknown>)(payload, ctx), payload)).toBeUndefined();
      }),
      fuzzParams(),
    );
  });

  it('a handler failing with an internal message: Lambda sees Internal, never the message', async () => {
    const failing = defineApp({
      name: 'fuzz-aws-failing',
      buckets: { data: 's3://sourcebucket' },
      functions: [
        defineFunction({ name: 'up', trigger: { type: 'storage', bucket: 'data' }, handler: () => fail() }),
        defineFunction({ name: 'topic', trigger: { type: 'queue', queue: 'EXAMPLE' }, handler: () => fail() }),
        defineFunction({ name: 'jobs', trigger: { type: 'queue', queue: 'SQSQueue' }, handler: () => fail() }),
      ] as AnyFunction[],
    });
    let message = '';
    const fail = (): never => {
      throw new TypeError(message);
    };
    const lambda = toLambda(failing, { env: {}, log: createLogger({ level: 'silent' }) });
    const events = ['s3-put.json', 'sns.json', 'sqs.json'].map((f) => fixtures[f] as Json);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...events), fc.string({ maxLength: 30 }), async (event, text) => {
        counter.hit('aws');
        message = `Cannot read properties of undefined ${text}\n    at handler (/home/dev/app/secret.ts:1:1)`;
        try {
          const result = await lambda.handler(event);
          expect(leaksIn(asText(result), asText(event))).toEqual([]);
        } catch (err) {
          expect(err).toMatchObject({ name: 'PolyfaasError', code: 'Internal', message: 'Internal error' });
          expect(leaksIn(visibleError(err) + String((err as Error).stack), asText(event))).toEqual([]);
        }
      }),
      fuzzParams(Math.ceil(FUZZ_RUNS / 5)),
    );
  });

  it('stays healthy: no uncaught errors, a normal event still works', async () => {
    expect(watch.problems).toEqual([]);
    expect(counter.get('aws')).toBeGreaterThanOrEqual(3 * FUZZ_RUNS);
    expect(problems).toEqual([]);
    const ok = (await handler(fixtures['apigw-http-v2.json'], undefined)) as { statusCode: number };
    expect(ok.statusCode).toBe(200);
  });
});
