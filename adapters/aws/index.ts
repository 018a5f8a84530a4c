/**
 * `polyfaas/aws`: run a polyfaas app on AWS Lambda and keep its buckets in S3.
 *
 * @example
 * ```ts
 * import { toLambda } from 'polyfaas/aws';
 * import { app } from './app.js';
 * export const { handler } = toLambda(app);
 * ```
 *
 * @packageDocumentation
 */
export { toLambda, FUNCTION_ENV } from './lambda/to-lambda.js';
export { awsIdentity } from './lambda/identity.js';
export type { LambdaHandler, LambdaHandlers, ToLambdaOptions } from './lambda/to-lambda.js';
export type { LambdaContextLike } from './lambda/lambda-context.js';
export type { InvokeEnvelope } from './lambda/direct-invoke.js';
export { lambdaInvoker } from './lambda/lambda-invoker.js';
export type { LambdaInvokerOptions } from './lambda/lambda-invoker.js';
export { S3Bucket, parseS3Url } from './s3/s3-bucket.js';
export { registerSchemes } from './schemes.js';
export { DynamoKeyValueStore } from './dynamodb/dynamo-kv.js';
export type { DynamoKeyValueStoreOptions } from './dynamodb/dynamo-kv.js';
export type { S3BucketOptions, S3Location } from './s3/s3-bucket.js';
export type { LazyS3Client } from './s3/s3-sdk.js';
export { awsKmsKey, classifyKmsError } from './kms-key.js';
export type { AwsKmsKeyOptions } from './kms-key.js';
