import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { registerKeyValueSchemes } from './dynamodb/dynamo-kv.js';
import type { S3BucketOptions } from './s3/s3-bucket.js';
import { registerSchemes as registerBucketSchemes } from './s3/s3-bucket.js';

/**
 * Let `openBucket('s3://bucket/prefix')` open an S3Bucket and
 * `openKeyValueStore('dynamodb://table')` a DynamoKeyValueStore. Nothing is
 * registered on import; `toLambda` calls this for you.
 *
 * @example
 * ```ts
 * import { registerSchemes } from 'polyfaas/aws';
 * registerSchemes();
 * const kv = await openKeyValueStore('dynamodb://state');
 * ```
 */
export function registerSchemes(options: S3BucketOptions = {}, dynamodb: DynamoDBClientConfig = {}): void {
  registerBucketSchemes(options);
  registerKeyValueSchemes(dynamodb);
}
