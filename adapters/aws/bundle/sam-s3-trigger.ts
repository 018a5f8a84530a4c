import type { LambdaAppPlan, LambdaFunctionPlan } from './plan.js';
import type { YamlValue } from './yaml.js';

/** Logical id of the helper function that writes bucket notifications for the SAM template. */
export const S3_NOTIFIER = 'PolyfaasS3Notifier';

/**
 * Source of the helper function behind `Custom::PolyfaasS3Notification`: on
 * create and update it adds (or replaces, by id) one Lambda notification on an
 * existing bucket, keeping the bucket's other notifications; on delete it
 * removes it. It answers CloudFormation on the presigned `ResponseURL`. SAM's
 * own `S3` event only attaches to buckets the same template creates, and the
 * app's buckets already exist (they hold its data), so the template does what
 * serverless.yml's `existing: true` and `polyfaas deploy aws` do.
 * CommonJS for the nodejs20.x runtime, whose AWS SDK v3 it uses.
 */
export const S3_NOTIFIER_SOURCE = `const { S3Client, GetBucketNotificationConfigurationCommand, PutBucketNotificationConfigurationCommand } = require('@aws-sdk/client-s3');
const https = require('https');
const s3 = new S3Client({});
function respond(event, status, reason) {
  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: event.ResourceProperties.Id, StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId });
  return new Promise((done, fail) => {
    const req = https.request(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) } }, (res) => { res.resume(); res.on('end', done); });
    req.on('error', fail);
    req.end(body);
  });
}
exports.handler = async (event) => {
  const p = event.ResourceProperties;
  try {
    const { $metadata, ...current } = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: p.Bucket }));
    const others = (current.LambdaFunctionConfigurations || []).filter((c) => c.Id !== p.Id);
    const rules = [['prefix', p.Prefix], ['suffix', p.Suffix]].filter((r) => r[1]).map((r) => ({ Name: r[0], Value: r[1] }));
    const ours = event.RequestType === 'Delete' ? [] : [{ Id: p.Id, LambdaFunctionArn: p.FunctionArn, Events: p.Events, ...(rules.length ? { Filter: { Key: { FilterRules: rules } } } : {}) }];
    await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: p.Bucket, NotificationConfiguration: { ...current, LambdaFunctionConfigurations: [...others, ...ours] } }));
    await respond(event, 'SUCCESS', 'notification ' + (event.RequestType === 'Delete' ? 'removed' : 'set'));
  } catch (err) {
    // A stack being deleted must not hang on a bucket that is already gone.
    await respond(event, event.RequestType === 'Delete' ? 'SUCCESS' : 'FAILED', String((err && err.message) || err));
  }
};
`;

/**
 * The SAM resources that wire a storage-triggered function to its existing
 * bucket: the S3 invoke permission and a `Custom::PolyfaasS3Notification`
 * (handled by {@link S3_NOTIFIER_SOURCE}) depending on it.
 */
export function samS3TriggerResources(plan: LambdaAppPlan, fn: LambdaFunctionPlan, functionId: string): Record<string, YamlValue> {
  const s3 = fn.s3;
  if (!s3) return {};
  const arn = { 'Fn::GetAtt': [functionId, 'Arn'] };
  return {
    [`${functionId}S3Permission`]: {
      Type: 'AWS::Lambda::Permission',
      Properties: { FunctionName: arn, Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: `arn:aws:s3:::${s3.bucket}`, SourceAccount: { Ref: 'AWS::AccountId' } },
    },
    [`${functionId}S3Trigger`]: {
      Type: 'Custom::PolyfaasS3Notification',
      DependsOn: `${functionId}S3Permission`,
      Properties: {
        ServiceToken: { 'Fn::GetAtt': [S3_NOTIFIER, 'Arn'] },
        Id: `polyfaas-${plan.app}-${fn.name}`,
        Bucket: s3.bucket,
        FunctionArn: arn,
        Events: s3.events,
        ...(s3.prefix ? { Prefix: s3.prefix } : {}),
        ...(s3.suffix ? { Suffix: s3.suffix } : {}),
      },
    },
  };
}

/** The helper function itself, allowed to read and write the notifications of the app's triggering buckets. */
export function samS3Notifier(plan: LambdaAppPlan): Record<string, YamlValue> {
  const buckets = [...new Set(plan.functions.flatMap((f) => (f.s3 ? [f.s3.bucket] : [])))];
  if (buckets.length === 0) return {};
  return {
    [S3_NOTIFIER]: {
      Type: 'AWS::Serverless::Function',
      Properties: {
        Description: `${plan.app} (polyfaas): attaches storage triggers to existing S3 buckets`,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Timeout: 60,
        InlineCode: S3_NOTIFIER_SOURCE,
        Policies: [{ Statement: [{ Effect: 'Allow', Action: ['s3:GetBucketNotification', 's3:PutBucketNotification'], Resource: buckets.map((b) => `arn:aws:s3:::${b}`) }] }],
      },
    },
  };
}
