import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HttpRequest, LogRecord, MessageEvent, ScheduleEvent, StorageEvent } from '../../../src/index.js';
import { createLogger, defineApp, defineFunction, json, PolyfaasError } from '../../../src/index.js';
import { fakeLambdaContext } from '../../../test/aws/lambda-context.js';
import { httpApiEvent } from '../../../test/aws/lambda-harness.js';
import { toLambda } from './to-lambda.js';

/** Each published AWS event (test/fixtures/events/aws, sources in its README) through the real handler. */
const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/aws/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

const seen: { fn: string; event: unknown; attempt: number; requestId: string }[] = [];
const echo = (req: HttpRequest) =>
  json({ method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.text(), bytes: Array.from(req.body) });

const app = defineApp({
  name: 'fixtures',
  buckets: { data: 's3://sourcebucket', other: 's3://example-bucket/test/' },
  functions: [
    defineFunction({ name: 'rest', trigger: { type: 'http', method: 'POST', path: '/hello/world' }, handler: echo }),
    defineFunction({ name: 'http-api', trigger: { type: 'http', method: 'POST', path: '/my/path' }, handler: echo }),
    defineFunction({ name: 'alb-root', trigger: { type: 'http', method: 'GET', path: '/' }, handler: echo }),
    defineFunction({
      name: 'alb-todos',
      trigger: { type: 'http', method: 'GET', path: '/todos' },
      handler: () => ({ status: 201, headers: { 'content-type': 'image/png', 'set-cookie': ['a=1', 'b=2'] }, body: new Uint8Array([137, 80, 78, 71]) }),
    }),
    defineFunction({
      name: 'on-upload',
      trigger: { type: 'storage', bucket: 'data', events: ['created'] },
      handler: (e: StorageEvent, ctx) => void seen.push({ fn: 'on-upload', event: e, attempt: ctx.attempt, requestId: ctx.requestId }),
    }),
    defineFunction({
      name: 'on-delete',
      trigger: { type: 'storage', bucket: 'other', events: ['deleted'] },
      handler: (e: StorageEvent, ctx) => void seen.push({ fn: 'on-delete', event: e, attempt: ctx.attempt, requestId: ctx.requestId }),
    }),
    defineFunction({
      name: 'jobs',
      trigger: { type: 'queue', queue: 'SQSQueue' },
      handler: (m: MessageEvent, ctx) => {
        seen.push({ fn: 'jobs', event: m, attempt: ctx.attempt, requestId: ctx.requestId });
        if (m.text() === 'poison') throw new PolyfaasError('InvalidArgument', 'poison message');
      },
    }),
    defineFunction({
      name: 'topic',
      trigger: { type: 'queue', queue: 'EXAMPLE' },
      handler: (m: MessageEvent, ctx) => void seen.push({ fn: 'topic', event: m, attempt: ctx.attempt, requestId: ctx.requestId }),
    }),
    defineFunction({
      name: 'nightly',
      trigger: { type: 'schedule', cron: '0 3 * * *' },
      handler: (e: ScheduleEvent, ctx) => void seen.push({ fn: 'nightly', event: e, attempt: ctx.attempt, requestId: ctx.requestId }),
    }),
  ],
});

const { handler, functions } = toLambda(app, { env: {}, log: createLogger({ level: 'silent' }) });
const call = async (event: unknown, requestId?: string) => handler(event, fakeLambdaContext(requestId ? { requestId } : {}));
type Result = { statusCode: number; body: string; isBase64Encoded: boolean; headers?: Record<string, string>; multiValueHeaders?: Record<string, string[]>; cookies?: string[]; statusDescription?: string };
const bodyOf = (r: unknown) => JSON.parse((r as Result).body) as Record<string, unknown>;

describe('Lambda events from AWS fixtures', () => {
  it('API Gateway REST (v1): method, path, multi-value headers and query, raw event and context kept', async () => {
    let raw: unknown;
    const own = toLambda(
      defineApp({ functions: [defineFunction({ name: 'raw', trigger: { type: 'http', method: 'POST', path: '/hello/world' }, handler: (req) => ((raw = req.raw), json({})) })] }),
      { env: {} },
    );
    const context = fakeLambdaContext({ requestId: 'req-1' });
    await own.handler(fixture('apigw-rest-v1'), context);
    expect(raw).toEqual({ event: fixture('apigw-rest-v1'), context });

    const res = (await call(fixture('apigw-rest-v1'))) as Result;
    expect(res.statusCode).toBe(200);
    expect(res.isBase64Encoded).toBe(false);
    expect(res.headers?.['content-type']).toMatch(/^application\/json/);
    const body = bodyOf(res);
    expect(body).toMatchObject({ method: 'POST', path: '/hello/world', query: { name: 'me' }, body: '{\r\n\t"a": 1\r\n}' });
    expect(body.headers).toMatchObject({ 'content-type': 'application/json', headername: 'headerValue', 'x-forwarded-for': '54.240.196.186, 54.182.214.83' });
  });

  it('API Gateway HTTP API (v2): repeated query keeps the last value, cookies become the cookie header', async () => {
    const body = bodyOf(await call(fixture('apigw-http-v2')));
    expect(body).toMatchObject({ method: 'POST', path: '/my/path', query: { parameter1: 'value2', parameter2: 'value' } });
    expect(body.headers).toMatchObject({ header1: 'value1', header2: 'value1,value2', cookie: 'cookie1; cookie2' });
    expect(body.body).toBe('{"message": "hello world", "username": "tom"}');
  });

  it('API Gateway HTTP API (v2): decodes isBase64Encoded bodies to the exact bytes', async () => {
    const body = bodyOf(await call(fixture('apigw-http-v2-base64')));
    expect(body.bytes).toEqual([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
  });

  it('Lambda Function URL', async () => {
    const res = (await call(fixture('function-url'))) as Result;
    expect(bodyOf(res)).toMatchObject({ path: '/my/path', body: 'Hello from client!', headers: { cookie: 'cookie1; cookie2' } });
    expect(res.cookies).toBeUndefined();
  });

  it('ALB single-value request: answers with statusDescription and headers', async () => {
    const res = (await call({ ...fixture('alb-single-value'), multiValueHeaders: undefined, multiValueQueryStringParameters: undefined })) as Result;
    expect(res.statusDescription).toBe('200 OK');
    expect(res.multiValueHeaders).toBeUndefined();
    expect(bodyOf(res)).toMatchObject({ method: 'GET', path: '/', query: { testparam: 'true' }, body: 'Who there?', headers: { 'content-type': 'text/plain' } });
  });

  it('ALB with multi-value headers (as published, both maps present): multi-value wins and the answer is multi-value', async () => {
    const res = (await call(fixture('alb-single-value'))) as Result;
    expect(res.multiValueHeaders?.['content-type']?.[0]).toMatch(/^application\/json/);
    expect(bodyOf(res)).toMatchObject({ query: { name: 'me' }, headers: { headername: 'headerValue' } });
  });

  it('ALB multi-value query and a binary response with two cookies', async () => {
    const res = (await call(fixture('alb-multi-value'))) as Result;
    expect(res.statusCode).toBe(201);
    expect(res.statusDescription).toBe('201 Created');
    expect(res.isBase64Encoded).toBe(true);
    expect(Array.from(Buffer.from(res.body, 'base64'))).toEqual([137, 80, 78, 71]);
    expect(res.multiValueHeaders?.['set-cookie']).toEqual(['a=1', 'b=2']);
  });

  it('answers HTTP API requests with binary bodies base64-encoded and cookies in `cookies`', async () => {
    const event = { ...fixture('apigw-http-v2'), rawPath: '/todos', requestContext: { ...(fixture('apigw-http-v2').requestContext as object), http: { method: 'GET', path: '/todos' } } };
    const res = (await call(event)) as Result;
    expect(res.isBase64Encoded).toBe(true);
    expect(res.cookies).toEqual(['a=1', 'b=2']);
    expect(res.headers?.['set-cookie']).toBeUndefined();
  });

  it('S3 ObjectCreated: maps the bucket to the logical one and keeps size, etag and time', async () => {
    seen.length = 0;
    const result = await call(fixture('s3-put'), 's3-1');
    expect(result).toEqual({ processed: 1, skipped: 0, rejected: 0 });
    const e = seen[0]?.event as StorageEvent;
    expect(seen[0]?.fn).toBe('on-upload');
    expect(e).toMatchObject({ kind: 'created', bucket: 'data', key: 'HappyFace.jpg', size: 1024, etag: 'd41d8cd98f00b204e9800998ecf8427e', source: 'arn:aws:s3:::sourcebucket' });
    expect(e.time.toISOString()).toBe('1970-01-01T00:00:00.123Z');
  });

  it('S3 keys are URL-decoded, + is a space', async () => {
    seen.length = 0;
    await call(fixture('s3-put-encoded-key'));
    const plus = fixture('s3-put');
    ((plus.Records as { s3: { object: { key: string } } }[])[0] as { s3: { object: { key: string } } }).s3.object.key = 'my+photo%2B1.jpg';
    await call(plus);
    expect(seen.map((s) => (s.event as StorageEvent).key)).toEqual(['Happy Face.jpg', 'my photo+1.jpg']);
  });

  it('S3 ObjectRemoved: a deletion, with the binding prefix stripped from the key', async () => {
    seen.length = 0;
    await call(fixture('s3-delete'));
    expect(seen.map((s) => [s.fn, (s.event as StorageEvent).kind, (s.event as StorageEvent).bucket, (s.event as StorageEvent).key])).toEqual([['on-delete', 'deleted', 'other', 'key']]);
  });

  it('S3 events for buckets the app does not bind are skipped, every record is handled', async () => {
    seen.length = 0;
    const event = fixture('s3-put');
    const record = (event.Records as object[])[0] as { s3: { bucket: { name: string } } };
    const foreign = { ...record, s3: { ...record.s3, bucket: { ...record.s3.bucket, name: 'someone-elses' } } };
    expect(await call({ Records: [record, foreign, record] })).toEqual({ processed: 2, skipped: 1, rejected: 0 });
    expect(seen).toHaveLength(2);
  });

  it('counts Lambda retries of the same request id as attempts', async () => {
    seen.length = 0;
    await call(fixture('s3-put'), 'retried');
    await call(fixture('s3-put'), 'retried');
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(seen[0]?.requestId).toBe('retried');
  });

  it('SQS: each message is handled, only failures are reported in batchItemFailures', async () => {
    seen.length = 0;
    const event = fixture('sqs');
    const first = (event.Records as Record<string, unknown>[])[0] as Record<string, unknown>;
    const batch = { Records: [first, { ...first, messageId: 'bad', body: 'poison' }, { ...first, messageId: 'third' }] };
    expect(await call(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(seen).toHaveLength(3);
    const m = seen[0]?.event as MessageEvent;
    expect(m).toMatchObject({ queue: 'SQSQueue', id: 'MessageID_1', deliveryCount: 2, attributes: { Attribute1: 'AttributeValue1', Attribute2: '123' } });
    expect(m.text()).toBe('Message Body');
    expect(seen[0]?.attempt).toBe(2);
  });

  it('SNS: the topic is the queue name', async () => {
    seen.length = 0;
    await call(fixture('sns'));
    const m = seen[0]?.event as MessageEvent;
    expect(seen[0]?.fn).toBe('topic');
    expect(m).toMatchObject({ queue: 'EXAMPLE', id: '95df01b4-ee98-5cb9-9903-4c221d41eb5e', attributes: { Test: 'TestString' } });
    expect(m.text()).toBe('Hello from SNS!');
  });

  it('EventBridge scheduled event fires the schedule function', async () => {
    seen.length = 0;
    await call(fixture('eventbridge-scheduled'));
    expect(seen[0]?.fn).toBe('nightly');
    expect(seen[0]?.event).toMatchObject({ cron: '0 3 * * *', id: 'cdc73f9d-aea9-11e3-9d5a-835b769c0d9c' });
  });

  it('an event shape the adapter does not know is a coded error, not a crash', async () => {
    await expect(call(fixture('eventbridge-ec2-unknown'))).rejects.toMatchObject({ code: 'InvalidArgument', details: { source: 'aws.ec2' } });
    await expect(functions.rest?.(fixture('eventbridge-ec2-unknown'), fakeLambdaContext())).rejects.toBeInstanceOf(PolyfaasError);
    await expect(call('just a string')).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('answers warm-up pings without running any handler', async () => {
    seen.length = 0;
    const res = (await call({ polyfaas: 'warmup' })) as { warm: boolean; functions: { function: string }[] };
    expect(res.warm).toBe(true);
    expect(res.functions.map((f) => f.function)).toContain('on-upload');
    expect(await functions.nightly?.({ polyfaas: 'warmup' }, fakeLambdaContext())).toMatchObject({ warm: true, function: 'nightly' });
    expect(seen).toEqual([]);
  });

  it('direct invocation: a JSON payload to one function, or an envelope naming it', async () => {
    seen.length = 0;
    const res = (await functions['http-api']?.({ hello: 'lambda' }, fakeLambdaContext())) as Result;
    expect(bodyOf(res)).toMatchObject({ method: 'POST', path: '/my/path', body: '{"hello":"lambda"}' });
    await call({ polyfaas: 'invoke', function: 'on-upload', payload: { key: 'a.png', size: 3 } });
    expect(seen[0]?.event).toMatchObject({ kind: 'created', bucket: 'data', key: 'a.png', size: 3 });
    await expect(call({ hello: 'whole app' })).rejects.toMatchObject({ code: 'InvalidArgument' });
  });

  it('the routing entry picks the function from POLYFAAS_FUNCTION', async () => {
    const routed = toLambda(app, { env: { POLYFAAS_FUNCTION: 'http-api' } });
    expect(bodyOf(await routed.handler({ via: 'env' }, fakeLambdaContext()))).toMatchObject({ path: '/my/path' });
    const wrong = toLambda(app, { env: { POLYFAAS_FUNCTION: 'nope' } });
    await expect(wrong.handler({}, fakeLambdaContext())).rejects.toMatchObject({ code: 'NotFound' });
    // A single-function handler only routes to its own function.
    const other = (await functions.rest?.(fixture('apigw-http-v2'), fakeLambdaContext())) as Result;
    expect(other.statusCode).toBe(404);
  });

  it('uses the Lambda deadline when it is earlier than the function timeout', async () => {
    let remaining = 0;
    const own = toLambda(
      defineApp({ functions: [defineFunction({ name: 'clock', trigger: { type: 'http', method: 'POST', path: '/my/path' }, handler: (_r, ctx) => ((remaining = ctx.remainingMs()), json({})) })] }),
      { env: {} },
    );
    await own.handler(fixture('apigw-http-v2'), fakeLambdaContext({ timeoutMs: 2_000 }));
    expect(remaining).toBeGreaterThan(1_000);
    expect(remaining).toBeLessThanOrEqual(2_000);
  });
});

describe('Lambda event dispatch: every record isolated, every failure coded', () => {
  const got: string[] = [];
  const logs: LogRecord[] = [];
  const app2 = defineApp({
    name: 'isolation',
    buckets: { data: 's3://bkt/pre' },
    functions: [
      defineFunction({ name: 'on-object', trigger: { type: 'storage', bucket: 'data' }, handler: (e) => void got.push(e.key) }),
      defineFunction({
        name: 'worker',
        trigger: { type: 'queue', queue: 'SQSQueue' },
        handler: (m) => {
          got.push(m.text());
          if (m.text() === 'fail') throw new Error('internal detail /srv/app.ts');
        },
      }),
    ],
  });
  const lambda = toLambda(app2, { env: {}, log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }) });
  const s3Record = (key: string) => {
    const record = structuredClone((fixture('s3-put').Records as Record<string, unknown>[])[0]) as { s3: { bucket: { name: string }; object: { key: string; sequencer?: string } } };
    record.s3.bucket.name = 'bkt';
    record.s3.object.key = key;
    record.s3.object.sequencer = key;
    return record;
  };
  const sqsRecord = (messageId: string | undefined, body: string, extra: Record<string, unknown> = {}) => {
    const record: Record<string, unknown> = { ...((fixture('sqs').Records as Record<string, unknown>[])[0] as Record<string, unknown>), body, ...extra };
    if (messageId === undefined) delete record.messageId;
    else record.messageId = messageId;
    return record;
  };
  const reset = () => {
    got.length = 0;
    logs.length = 0;
  };

  it('maps a binding without a trailing slash as a folder and never delivers objects outside it', async () => {
    reset();
    const result = await lambda.handler({ Records: [s3Record('pre/x.png'), s3Record('prefix-unrelated/z.png'), s3Record('pre')] }, fakeLambdaContext());
    expect(got).toEqual(['x.png']);
    expect(result).toEqual({ processed: 1, skipped: 2, rejected: 0 });
  });

  it('never hands an invalid provider key to a handler: the record is rejected for good, the others are handled', async () => {
    reset();
    const bad = ['pre/..%2F..%2Fetc%2Fpasswd', 'pre/a%00b', 'pre//abs', `pre/${'k'.repeat(1100)}`];
    const result = await lambda.handler({ Records: [s3Record('pre/ok-1'), ...bad.map(s3Record), s3Record('pre/ok-2')] }, fakeLambdaContext());
    expect(got).toEqual(['ok-1', 'ok-2']);
    expect(result).toEqual({ processed: 2, skipped: 0, rejected: 4 });
    expect(logs.filter((r) => r.msg === 'event failed').map((r) => r.code)).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'InvalidArgument']);
  });

  it('an S3 record the translator cannot read fails only itself, with a code', async () => {
    reset();
    const broken = { ...s3Record('pre/x'), s3: null };
    const result = await lambda.handler({ Records: [s3Record('pre/ok'), broken] }, fakeLambdaContext());
    expect(got).toEqual(['ok']);
    expect(result).toEqual({ processed: 1, skipped: 0, rejected: 1 });
    expect(logs.find((r) => r.msg === 'event failed')).toMatchObject({ code: 'InvalidArgument', retried: false });
  });

  it('a failing handler fails the S3 invocation with a coded error that carries no internals, so Lambda retries it', async () => {
    reset();
    const failing = toLambda(
      defineApp({ buckets: { data: 's3://bkt/pre/' }, functions: [defineFunction({ name: 'f', trigger: { type: 'storage', bucket: 'data' }, handler: () => Promise.reject(new Error('secret /srv/x.ts')) })] }),
      { env: {}, log: createLogger({ level: 'silent' }) },
    );
    const err = await failing.handler({ Records: [s3Record('pre/a')] }, fakeLambdaContext()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolyfaasError);
    expect(err).toMatchObject({ code: 'Internal', message: 'Internal error' });
    expect(String((err as Error).stack)).not.toMatch(/secret|\/srv|\.ts:\d+/);
  });

  it('SQS: a malformed record and a failing one each fail only themselves; a record without messageId is still handled', async () => {
    reset();
    const batch = {
      Records: [
        sqsRecord('ok-1', 'one'),
        sqsRecord('malformed', 'two', { messageAttributes: { a: null } }),
        sqsRecord('failing', 'fail'),
        sqsRecord(undefined, 'no-id'),
        sqsRecord('ok-2', 'three'),
      ],
    };
    const result = await lambda.handler(batch, fakeLambdaContext());
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'malformed' }, { itemIdentifier: 'failing' }] });
    expect(got).toEqual(['one', 'fail', 'no-id', 'three']);
    const failures = logs.filter((r) => r.msg === 'event failed');
    expect(failures.map((r) => r.code)).toEqual(['InvalidArgument', 'Internal']);
  });

  it('SQS: a failing record without messageId fails the whole batch, the only way to return it to the queue', async () => {
    reset();
    const batch = { Records: [sqsRecord('ok-1', 'one'), sqsRecord(undefined, 'fail')] };
    await expect(lambda.handler(batch, fakeLambdaContext())).rejects.toMatchObject({ code: 'Internal', message: 'Internal error' });
    expect(got).toEqual(['one', 'fail']);
  });

  it('a direct invocation of a storage function without a key says what it expected', async () => {
    const err = await lambda.functions['on-object']?.({}, fakeLambdaContext()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'InvalidArgument' });
    expect((err as Error).message).toMatch(/on-object is storage-triggered/);
  });
});

describe('Lambda instance facts', () => {
  it('tells init and handlers that an execution environment runs one event at a time (concurrency 1)', async () => {
    const seenConcurrency: number[] = [];
    const single = defineApp({
      name: 'facts',
      functions: [
        defineFunction({
          name: 'facts',
          trigger: { type: 'http', method: 'GET', path: '/facts' },
          init: (ctx) => void seenConcurrency.push(ctx.concurrency),
          handler: (_req, ctx) => json({ concurrency: ctx.concurrency }),
        }),
      ],
    });
    const { handler } = toLambda(single, { env: {} });
    const res = (await handler(httpApiEvent({ method: 'GET', path: '/facts' }), fakeLambdaContext())) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ concurrency: 1 });
    expect(seenConcurrency).toEqual([1]);
  });
});
