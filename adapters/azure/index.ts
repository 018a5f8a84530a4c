/**
 * `polyfaas/azure`: Azure Functions (Node.js v4 programming model) and Azure Blob Storage.
 *
 * @packageDocumentation
 */
export { AzureBlobBucket, parseAzblobUrl, CONNECTION_STRING_ENV } from './blob-bucket.js';
export { registerSchemes } from './schemes.js';
export { AzureTableKeyValueStore } from './table-kv.js';
export type { AzureTableKeyValueStoreOptions } from './table-kv.js';
export type { AzureBlobBucketOptions } from './blob-bucket.js';
export { registerAzure, FALLBACK_FUNCTION } from './register.js';
export { AUTH_LEVEL_ENV } from './auth-level.js';
export type { AzureAuthLevel } from './auth-level.js';
export { azureIdentity } from './identity.js';
export { hostJson, maxDequeueCount } from './host-json.js';
export type { AzureRegistration, RegisterAzureOptions, RegisteredAzureFunction } from './register.js';
export { azureKeyVaultKey } from './key-vault-key.js';
export type { AzureKeyVaultKeyOptions, KeyVaultCryptoClient, KeyVaultWrapAlgorithm } from './key-vault-key.js';
export { storageQueueInvoker } from './queue-invoker.js';
export type { StorageQueueInvokerOptions } from './queue-invoker.js';
