import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { AnyFunction, LogRecord, MessageEvent, StorageEvent } from '../../../src/index.js';
import { createLogger, defineApp, defineFunction, json, PolyfaasError } from '../../../src/index.js';
import { toHttpRequest } from './http-events.js';
import { sqsToMessage, snsToMessage } from './message-events.js';
import { toStorageEvent } from './s3-events.js';
import { toLambda } from './to-lambda.js';

/** Regressions found by test/fuzz/aws-events.test.ts: each malformed shape ends in a coded error, never a TypeError or a broken event. */

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/events/aws/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;

/** The fixture with `edit` applied to a deep copy. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- edits reach deep into untyped JSON on purpose
type Loose = Record<string, any>;
const edited = (name: string, edit: (e: Loose) => void): Record<string, unknown> => {
  const e = fixture(name);
  edit(e);
  return e;
};

const seen: unknown[] = [];
const app = defineApp({
  name: 'malformed',
  buckets: { data: 's3://sourcebucket' },
  functions: [
    defineFunction({ name: 'root', trigger: { type: 'http', method: 'GET', path: '/' }, handler: () => json({}) }),
    defineFunction({ name: 'up', trigger: { type: 'storage', bucket: 'data' }, handler: (e: StorageEvent) => void seen.push(e) }),
    defineFunction({ name: 'jobs', trigger: { type: 'queue', queue: 'SQSQueue' }, handler: (m: MessageEvent) => void seen.push(m) }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: (e) => void seen.push(e) }),
  ] as AnyFunction[],
});
const logs: LogRecord[] = [];
const { handler, functions } = toLambda(app, { env: {}, log: createLogger({ level: 'debug', sink: (r) => logs.push(r) }) });

const invalidArgument = { name: 'PolyfaasError', code: 'InvalidArgument' };

describe('malformed AWS events end in InvalidArgument', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['S3 record without s3', edited('s3-put', (e) => delete e.Records[0].s3)],
    ['S3 record whose s3 is a number', edited('s3-put', (e) => (e.Records[0].s3 = 953145611))],
    ['S3 record without a bucket', edited('s3-put', (e) => delete e.Records[0].s3.bucket)],
    ['S3 record whose key is an object', edited('s3-put', (e) => (e.Records[0].s3.object.key = { length: 1 }))],
    ['S3 record whose eventName is null', edited('s3-put', (e) => (e.Records[0].eventName = null))],
    ['S3 record with an invalid eventTime', edited('s3-put', (e) => (e.Records[0].eventTime = '2024-02-30T25:61:00Z'))],
    ['S3 record with a negative size', edited('s3-put', (e) => (e.Records[0].s3.object.size = -4))],
    ['S3 record with a text size', edited('s3-put', (e) => (e.Records[0].s3.object.size = 'big'))],
    ['S3 record with an object eTag', edited('s3-put', (e) => (e.Records[0].s3.object.eTag = {}))],
    ['SNS record whose Sns is null', edited('sns', (e) => (e.Records[0].Sns = null))],
    ['SNS record with a null message attribute', edited('sns', (e) => (e.Records[0].Sns.MessageAttributes = { a: null }))],
    ['SNS record with a numeric attribute value', edited('sns', (e) => (e.Records[0].Sns.MessageAttributes.Test.Value = 12))],
    ['SNS record whose Message is a list', edited('sns', (e) => (e.Records[0].Sns.Message = ['x']))],
    ['SNS record whose MessageId is an object', edited('sns', (e) => (e.Records[0].Sns.MessageId = {}))],
    ['SNS record with an invalid Timestamp', edited('sns', (e) => (e.Records[0].Sns.Timestamp = 'not a date'))],
    ['scheduled event whose resources is a string', edited('eventbridge-scheduled', (e) => (e.resources = 'arn:aws:events:x:rule/a'))],
    ['scheduled event with an invalid time', edited('eventbridge-scheduled', (e) => (e.time = 'x'.repeat(300)))],
    ['scheduled event whose id is an object', edited('eventbridge-scheduled', (e) => (e.id = { a: 1 }))],
    ['REST event whose cookies is a string', edited('apigw-http-v2', (e) => (e.cookies = 'a=1'))],
    ['HTTP API event whose rawQueryString is a list', edited('apigw-http-v2', (e) => (e.rawQueryString = [{}]))],
    ['HTTP API event with a numeric content-type and base64 body', edited('apigw-http-v2-base64', (e) => (e.headers['content-type'] = 5))],
    ['HTTP API event whose body is a number', edited('apigw-http-v2-base64', (e) => (e.body = 5))],
    ['HTTP API event with an out-of-range timeEpoch', edited('apigw-http-v2', (e) => (e.requestContext.timeEpoch = 8.64e15 + 1))],
    ['REST event with a text requestTimeEpoch', edited('apigw-rest-v1', (e) => (e.requestContext.requestTimeEpoch = 'soon'))],
    ['ALB event with a null multi-value header list element', edited('alb-multi-value', (e) => (e.multiValueHeaders.host = [null]))],
  ];
  for (const [what, event] of cases) {
    it(what, async () => {
      seen.length = 0;
      logs.length = 0;
      if (/^(S3|SNS)|^scheduled event (with an invalid time|whose id)/.test(what)) {
        // A record of an asynchronous source that no retry can fix is acknowledged and logged with its code
        // (Lambda cannot retry single records of an async event): see docs/design.md, "Provider keys are checked".
        await expect(handler(event)).resolves.toMatchObject({ processed: 0, rejected: 1 });
        expect(logs.filter((r) => r.msg === 'event failed').map((r) => r.code)).toEqual(['InvalidArgument']);
      } else {
        await expect(handler(event)).rejects.toMatchObject(invalidArgument);
      }
      expect(seen).toEqual([]);
    });
  }

  it('an ALB or REST event without a path is refused, not routed to "/undefined"', async () => {
    for (const name of ['alb-single-value', 'apigw-rest-v1']) {
      const event = edited(name, (e) => delete e.path);
      // Without a path the event is no longer recognised as REST; ALB still is.
      await expect(handler(event)).rejects.toBeInstanceOf(PolyfaasError);
      await expect(handler(event)).rejects.not.toThrow(/undefined/);
    }
    expect(() => toHttpRequest(edited('alb-single-value', (e) => delete e.path), 'alb')).toThrow(expect.objectContaining(invalidArgument));
    expect(() => toHttpRequest(edited('alb-single-value', (e) => (e.path = [{ a: 1 }])), 'alb')).toThrow(/path must be a string/);
  });

  it('an empty request id is no id (the neutral request makes one up)', () => {
    const request = toHttpRequest(edited('apigw-http-v2', (e) => (e.requestContext.requestId = '')), 'apigw-v2');
    expect(request.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('direct invocation of a storage function with an empty key or negative size', async () => {
    const up = functions.up as (e: unknown) => Promise<unknown>;
    await expect(up({ key: '' })).rejects.toMatchObject(invalidArgument);
    await expect(up({ key: 'a.png', size: -1 })).rejects.toMatchObject(invalidArgument);
  });
});

describe('SQS records', () => {
  it('without eventSourceARN, with null attributes or a fractional receive count: that record fails alone', async () => {
    const ok = fixture('sqs').Records as Loose[];
    const bad = [
      { ...structuredClone(ok[0]), messageId: 'no-arn', eventSourceARN: null },
      { ...structuredClone(ok[0]), messageId: 'null-attr', messageAttributes: { a: null } },
      { ...structuredClone(ok[0]), messageId: 'count', attributes: { ApproximateReceiveCount: 1.5 } },
      { ...structuredClone(ok[0]), messageId: 'sent', attributes: { SentTimestamp: 9007199254740991 } },
    ];
    seen.length = 0;
    const result = await handler({ Records: [...bad, ok[0]] });
    expect(result).toEqual({ batchItemFailures: ['no-arn', 'null-attr', 'count', 'sent'].map((itemIdentifier) => ({ itemIdentifier })) });
    expect(seen).toHaveLength(1);
  });

  it('without messageId: delivered with a stable id; if it fails the whole batch fails (it cannot be listed alone)', async () => {
    const record = edited('sqs', (e) => delete e.Records[0].messageId).Records as Record<string, unknown>[];
    const first = sqsToMessage(record[0] as Record<string, unknown>, undefined);
    expect(first.id).toMatch(/^sqs:[0-9a-f]{32}$/);
    expect(sqsToMessage(structuredClone(record[0]) as Record<string, unknown>, undefined).id).toBe(first.id);
    seen.length = 0;
    expect(await handler({ Records: record })).toEqual({ batchItemFailures: [] });
    expect((seen[0] as MessageEvent).id).toBe(first.id);
    const unrouted = edited('sqs', (e) => {
      delete e.Records[0].messageId;
      e.Records[0].eventSourceARN = 'arn:aws:sqs:us-west-2:123456789012:nobody';
    });
    await expect(handler(unrouted)).rejects.toMatchObject({ code: 'NotFound' });
  });

  it('a numeric messageId is never reported as a batch item id', async () => {
    const event = edited('sqs', (e) => {
      e.Records[0].messageId = 869912499;
      e.Records[0].eventSourceARN = 'arn:aws:sqs:us-west-2:123456789012:nobody';
    });
    await expect(handler(event)).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('translators called directly', () => {
  it('throw InvalidArgument for non-object records', () => {
    for (const record of [null, 1, 'x', []]) {
      expect(() => toStorageEvent(record, {}, undefined)).toThrow(expect.objectContaining(invalidArgument));
      expect(() => sqsToMessage(record as never, undefined)).toThrow(expect.objectContaining(invalidArgument));
      expect(() => snsToMessage(record as never, undefined)).toThrow(expect.objectContaining(invalidArgument));
    }
  });
});

describe('handler failures reach Lambda without internals', () => {
  it('an uncoded handler error becomes Internal: Internal error, with no stack frames', async () => {
    const failing = toLambda(
      defineApp({
        buckets: { data: 's3://sourcebucket' },
        functions: [defineFunction({ name: 'up', trigger: { type: 'storage', bucket: 'data' }, handler: () => { throw new Error('boom at /home/dev/secret.ts'); } })] as AnyFunction[],
      }),
      { env: {}, log: createLogger({ level: 'silent' }) },
    );
    const err = await failing.handler(fixture('s3-put')).then(() => undefined, (e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'PolyfaasError', code: 'Internal', message: 'Internal error' });
    expect(err?.stack).toBe('PolyfaasError: Internal error');
  });
});
