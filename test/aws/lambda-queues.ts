import type { LogRecord } from '../../src/index.js';
import type { DeadLetter } from '../../src/adapter.js';
import type { LambdaHandler } from '../../adapters/aws/lambda/to-lambda.js';
import { fakeLambdaContext } from './lambda-context.js';

/** One message on the emulated queue. */
interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sent: number;
  receiveCount: number;
}

/** An SQS event for a batch of messages, shaped as Lambda's event source mapping sends it. */
export function sqsEvent(queue: string, messages: readonly QueuedMessage[]): { Records: unknown[] } {
  return {
    Records: messages.map((m) => ({
      messageId: m.messageId,
      receiptHandle: `handle-${m.messageId}-${m.receiveCount}`,
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sent),
        SenderId: 'AROAEXAMPLE:sender',
        ApproximateFirstReceiveTimestamp: String(m.sent),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:123456789012:${queue}`,
      awsRegion: 'us-east-1',
    })),
  };
}

/** An EventBridge scheduled-rule event, as a rule named `<app>-<function>` sends it. */
export function scheduledEvent(rule: string): Record<string, unknown> {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:123456789012:rule/${rule}`],
    detail: {},
  };
}

/**
 * What an SQS event source mapping with `ReportBatchItemFailures` does: the
 * messages go to the function as one batch; the ones it reports in
 * `batchItemFailures` (all of them if it throws) become visible again and are
 * received again, with `ApproximateReceiveCount` one higher, until the redrive
 * policy's `maxReceiveCount` moves them to the dead-letter queue. The DLQ does
 * not say why a message failed; the code comes from the adapter's log line.
 */
export async function deliverSqsBatch(
  handler: LambdaHandler,
  fn: string,
  queue: string,
  bodies: readonly string[],
  maxReceiveCount: number,
  deadLetters: DeadLetter[],
  failureCodes: () => readonly LogRecord[],
): Promise<void> {
  const sent = Date.now();
  let batch: QueuedMessage[] = bodies.map((body) => ({ messageId: crypto.randomUUID(), body, sent, receiveCount: 0 }));
  while (batch.length > 0) {
    for (const m of batch) m.receiveCount++;
    const event = sqsEvent(queue, batch);
    let failed: Set<string>;
    try {
      const result = (await handler(event, fakeLambdaContext({ timeoutMs: 30_000 }))) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
      failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(batch.map((m) => m.messageId));
    }
    const again: QueuedMessage[] = [];
    for (const m of batch) {
      if (!failed.has(m.messageId)) continue;
      if (m.receiveCount < maxReceiveCount) {
        again.push(m);
        continue;
      }
      const logged = [...failureCodes()].reverse().find((r) => r.messageId === m.messageId);
      deadLetters.push({ function: fn, event: m, attempts: m.receiveCount, error: { code: String(logged?.code ?? 'Internal'), message: 'moved to the dead-letter queue' }, time: new Date() });
    }
    batch = again;
    if (batch.length) await new Promise((r) => setTimeout(r, 5));
  }
}
