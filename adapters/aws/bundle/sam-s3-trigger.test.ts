import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3_NOTIFIER_SOURCE } from './sam-s3-trigger.js';

type Handler = (event: Record<string, unknown>) => Promise<void>;
interface Sent {
  command: string;
  input: Record<string, unknown>;
}

/**
 * The notifier's CommonJS source, run as the nodejs20.x runtime would, with a
 * stand-in S3 client and `https` served by a local HTTP server standing in for
 * CloudFormation's presigned response URL.
 */
function loadNotifier(answer: (sent: Sent) => unknown): { handler: Handler; sent: Sent[] } {
  const sent: Sent[] = [];
  class Command {
    constructor(public input: Record<string, unknown>) {}
  }
  class GetBucketNotificationConfigurationCommand extends Command {}
  class PutBucketNotificationConfigurationCommand extends Command {}
  class S3Client {
    async send(command: Command) {
      const record = { command: command.constructor.name, input: command.input };
      sent.push(record);
      return answer(record);
    }
  }
  const modules: Record<string, unknown> = {
    '@aws-sdk/client-s3': { S3Client, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand },
    https: http,
  };
  const module = { exports: {} as { handler?: Handler } };
  new Function('require', 'module', 'exports', S3_NOTIFIER_SOURCE)((name: string) => modules[name], module, module.exports);
  return { handler: module.exports.handler as Handler, sent };
}

describe('the SAM template S3 notifier', () => {
  const responses: Record<string, unknown>[] = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        responses.push({ method: req.method, ...(JSON.parse(body) as Record<string, unknown>) });
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/response`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const event = (RequestType: string) => ({
    RequestType,
    ResponseURL: url,
    StackId: 'stack',
    RequestId: 'req',
    LogicalResourceId: 'TallyFunctionS3Trigger',
    ResourceProperties: { Id: 'polyfaas-wc-tally', Bucket: 'docs', FunctionArn: 'arn:aws:lambda:us-east-1:1:function:wc-tally', Events: ['s3:ObjectCreated:*'], Prefix: 'v1/in/', Suffix: '.txt' },
  });
  const existing = {
    $metadata: { httpStatusCode: 200 },
    QueueConfigurations: [{ Id: 'queue', QueueArn: 'arn:aws:sqs:us-east-1:1:q', Events: ['s3:ObjectRemoved:*'] }],
    LambdaFunctionConfigurations: [
      { Id: 'other', LambdaFunctionArn: 'arn:other', Events: ['s3:ObjectCreated:*'] },
      { Id: 'polyfaas-wc-tally', LambdaFunctionArn: 'arn:old', Events: ['s3:ObjectCreated:*'] },
    ],
  };

  it('adds its notification to the bucket, keeping the others, and reports success', async () => {
    const { handler, sent } = loadNotifier((s) => (s.command.startsWith('Get') ? existing : {}));
    await handler(event('Create'));
    const put = sent.find((s) => s.command.startsWith('Put'))?.input as { Bucket: string; NotificationConfiguration: Record<string, unknown> };
    expect(put.Bucket).toBe('docs');
    expect(put.NotificationConfiguration).toEqual({
      QueueConfigurations: existing.QueueConfigurations,
      LambdaFunctionConfigurations: [
        existing.LambdaFunctionConfigurations[0],
        {
          Id: 'polyfaas-wc-tally',
          LambdaFunctionArn: 'arn:aws:lambda:us-east-1:1:function:wc-tally',
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'v1/in/' }, { Name: 'suffix', Value: '.txt' }] } },
        },
      ],
    });
    expect(responses.pop()).toMatchObject({ method: 'PUT', Status: 'SUCCESS', PhysicalResourceId: 'polyfaas-wc-tally', RequestId: 'req', StackId: 'stack' });
  });

  it('removes only its own notification on delete', async () => {
    const { handler, sent } = loadNotifier((s) => (s.command.startsWith('Get') ? existing : {}));
    await handler(event('Delete'));
    const put = sent.find((s) => s.command.startsWith('Put'))?.input as { NotificationConfiguration: { LambdaFunctionConfigurations: unknown[] } };
    expect(put.NotificationConfiguration.LambdaFunctionConfigurations).toEqual([existing.LambdaFunctionConfigurations[0]]);
    expect(responses.pop()).toMatchObject({ Status: 'SUCCESS' });
  });

  it('reports a failure to CloudFormation instead of leaving the stack waiting', async () => {
    const { handler } = loadNotifier(() => {
      throw new Error('Access Denied');
    });
    await handler(event('Create'));
    expect(responses.pop()).toMatchObject({ Status: 'FAILED', Reason: 'Access Denied' });
  });
});
