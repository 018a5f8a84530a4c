import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnLambda } from '../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../test/aws/s3-server.js';
import { startLocalS3 } from '../../test/aws/s3-server.js';
import { runSpamOnRuntime } from '../../examples/spam-detection/runtime-scenario.js';

/*
 * The spam app on the Lambda adapter: each storage function's own Lambda
 * handler driven by the S3 notifications a real local S3 (s3rver) emits for
 * every write, HTTP as API Gateway v2 events (see test/aws/lambda-harness.ts).
 */
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3?.close());

describe('spam detection on AWS Lambda (handlers + S3 notifications from s3rver)', () => {
  it('uploads the fixture, trains, evaluates, promotes and answers POST /classify', async () => {
    const { version, pipelineMs } = await runSpamOnRuntime({ start: (app, options) => startOnLambda(s3, app, options) });
    expect(version).toBeTruthy();
    console.info(`aws: pipeline ${pipelineMs} ms`);
  }, 300_000);
});
