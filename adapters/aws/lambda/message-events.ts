import { createHash } from 'node:crypto';
import type { SNSEventRecord, SQSRecord } from 'aws-lambda';
import type { MessageEvent } from '../../../src/index.js';
import { createMessageEvent } from '../../../src/index.js';
import { countField, idField, objectField, stringField, timeField } from '../../../src/adapter.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const recordsFrom = (event: unknown, source: string, field: string): boolean =>
  isObj(event) && Array.isArray(event.Records) && event.Records.length > 0 && event.Records.every((r) => isObj(r) && r[field] === source);

/** True for an SQS batch. */
export function isSqsEvent(event: unknown): event is { Records: SQSRecord[] } {
  return recordsFrom(event, 'aws:sqs', 'eventSource');
}

/** True for an SNS notification. */
export function isSnsEvent(event: unknown): event is { Records: SNSEventRecord[] } {
  return recordsFrom(event, 'aws:sns', 'EventSource');
}

/** The resource name at the end of an ARN (`arn:aws:sqs:us-east-1:123:jobs` → `jobs`). */
export function arnName(arn: string): string {
  return arn.split(':').pop() ?? arn;
}

/**
 * The id to report an SQS record by in `batchItemFailures`, or undefined when
 * the record has none (then it cannot fail alone: only failing the whole
 * invocation returns it to the queue).
 */
export function batchItemId(record: unknown): string | undefined {
  const id = isObj(record) ? record.messageId : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * One SQS message as a neutral message; the queue is named after the ARN's last
 * part. A record without `messageId` gets a stable id derived from its queue,
 * send time and body, so a redelivery keeps it. Malformed fields throw `InvalidArgument`.
 */
export function sqsToMessage(record: SQSRecord | Obj, raw: unknown): MessageEvent {
  const r = objectField(record, 'SQS record');
  const arn = stringField(r.eventSourceARN, 'SQS record eventSourceARN');
  const body = stringField(r.body, 'SQS record body', true) ?? '';
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectField(r.messageAttributes, 'SQS record messageAttributes', true) ?? {})) {
    const attribute = objectField(value, 'SQS record messageAttributes value');
    const text = stringField(attribute.stringValue, 'SQS message attribute stringValue', true) ?? stringField(attribute.binaryValue, 'SQS message attribute binaryValue', true);
    if (text !== undefined) attributes[name] = text;
  }
  const system = objectField(r.attributes, 'SQS record attributes', true) ?? {};
  const sent = timeField(system.SentTimestamp, 'SQS record attributes.SentTimestamp');
  return createMessageEvent({
    queue: arnName(arn),
    body,
    attributes,
    deliveryCount: countField(system.ApproximateReceiveCount, 'SQS record attributes.ApproximateReceiveCount') ?? 1,
    id: idField(r.messageId, 'SQS record messageId') ?? `sqs:${createHash('sha256').update(`${arn}\n${String(system.SentTimestamp)}\n${body}`).digest('hex').slice(0, 32)}`,
    source: arn,
    ...(sent ? { time: sent } : {}),
    raw,
  });
}

/** One SNS notification as a neutral message; the "queue" is the topic name. Malformed fields throw `InvalidArgument`. */
export function snsToMessage(record: SNSEventRecord | Obj, raw: unknown): MessageEvent {
  const sns = objectField(objectField(record, 'SNS record').Sns, 'SNS record Sns');
  const topic = stringField(sns.TopicArn, 'SNS record Sns.TopicArn');
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(objectField(sns.MessageAttributes, 'SNS record Sns.MessageAttributes', true) ?? {})) {
    attributes[name] = stringField(objectField(value, 'SNS message attribute').Value, 'SNS message attribute Value');
  }
  const time = timeField(sns.Timestamp, 'SNS record Sns.Timestamp');
  const id = idField(sns.MessageId, 'SNS record Sns.MessageId');
  return createMessageEvent({
    queue: arnName(topic),
    body: stringField(sns.Message, 'SNS record Sns.Message', true) ?? '',
    attributes,
    ...(id ? { id } : {}),
    source: topic,
    ...(time ? { time } : {}),
    raw,
  });
}
