import { afterAll, beforeAll } from 'vitest';
import { runRuntimeConformance } from '../../../src/testing/index.js';
import { startOnLambda } from '../../../test/aws/lambda-harness.js';
import type { LocalS3 } from '../../../test/aws/s3-server.js';
import { startLocalS3 } from '../../../test/aws/s3-server.js';

/*
 * The runtime contract on the Lambda adapter: HTTP as API Gateway v2 events
 * into the app's routing handler; storage triggers from real S3 notifications
 * that a local S3 server (s3rver) emits for every write — including writes the
 * functions make themselves — pushed through each function's handler with
 * Lambda's async retry semantics (see test/aws/lambda-harness.ts).
 */
let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3?.close());

runRuntimeConformance('AWS Lambda adapter (API Gateway v2 + S3 notifications via s3rver)', { start: (app, options) => startOnLambda(s3, app, options) });
