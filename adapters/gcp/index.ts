/**
 * `polyfaas/gcp`: Google Cloud Functions (2nd gen) and Cloud Storage.
 *
 * @packageDocumentation
 */
export { GcsBucket, registerSchemes } from './gcs-bucket.js';
export type { GcsBucketOptions, LazyStorage } from './gcs-bucket.js';
export { registerGcp } from './register.js';
export type { GcpTarget, RegisterGcpOptions } from './register.js';
export { mapCloudEvent, GCS_FINALIZED, GCS_DELETED, PUBSUB_PUBLISHED } from './cloud-event.js';
export type { GcpCloudEvent, MappedCloudEvent } from './cloud-event.js';
export { gcpKmsKey, classifyGrpcError } from './kms-key.js';
export type { GcpKmsClient, GcpKmsKeyOptions } from './kms-key.js';
export { cloudFunctionInvoker } from './http-invoker.js';
export type { CloudFunctionInvokerOptions } from './http-invoker.js';
