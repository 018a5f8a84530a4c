import type { SNSEventRecord, SQSRecord } from 'aws-lambda';
import type { MessageEvent } from '../../../src/index.js';
import { createMessageEvent } from '../../../src/index.js';

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

/** One SQS message as a neutral message; the queue is named after the ARN's last part. */
export function sqsToMessage(record: SQSRecord, raw: unknown): MessageEvent {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.messageAttributes ?? {})) {
    if (value.stringValue !== undefined) attributes[name] = value.stringValue;
    else if (value.binaryValue !== undefined) attributes[name] = value.binaryValue;
  }
  const sent = Number(record.attributes?.SentTimestamp);
  return createMessageEvent({
    queue: arnName(record.eventSourceARN),
    body: record.body,
    attributes,
    deliveryCount: Number(record.attributes?.ApproximateReceiveCount) || 1,
    id: record.messageId,
    source: record.eventSourceARN,
    ...(Number.isFinite(sent) ? { time: new Date(sent) } : {}),
    raw,
  });
}

/** One SNS notification as a neutral message; the "queue" is the topic name. */
export function snsToMessage(record: SNSEventRecord, raw: unknown): MessageEvent {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(record.Sns.MessageAttributes ?? {})) attributes[name] = value.Value;
  const time = new Date(record.Sns.Timestamp);
  return createMessageEvent({
    queue: arnName(record.Sns.TopicArn),
    body: record.Sns.Message,
    attributes,
    id: record.Sns.MessageId,
    source: record.Sns.TopicArn,
    ...(Number.isNaN(time.getTime()) ? {} : { time }),
    raw,
  });
}
