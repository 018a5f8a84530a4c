import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { publicExports } from './public-surface.js';

/**
 * Every name each public entry exports, types included. Adding or removing one
 * makes this test fail on purpose: change the list here in the same commit,
 * and ask whether the name belongs to app authors (`polyfaas`), to adapter and
 * driver authors (`polyfaas/adapter`), or to neither.
 */
const EXPECTED: Record<string, string[]> = {
  'polyfaas': [
    'API_KEYS_ENV', 'API_KEY_HEADER', 'AnyFunction', 'ApiKeyOptions', 'ApiKeyRecord', 'AppDefinition', 'AuthInfo',
    'AuthMethod', 'AuthOptions', 'BilledUsage', 'Bucket', 'BucketBinding', 'BucketObject', 'BucketObjectStream',
    'Context', 'DEFAULT_IDEMPOTENCY_EXPIRY_MS', 'DEFAULT_JWT_ALGORITHMS', 'DEFAULT_MAX_BODY_BYTES', 'DEFAULT_PRICES',
    'DEFAULT_RETRIES', 'DEFAULT_TIMEOUT_MS', 'DataKeyCacheOptions', 'DirectInvokeTarget', 'EncryptedBucket',
    'EncryptedBucketOptions', 'ErrorCode', 'ErrorCodes', 'EventFor', 'EventMeta', 'FunctionAuth',
    'FunctionDefinition', 'FunctionSpec', 'HttpMethod', 'HttpRequest', 'HttpRequestInit', 'HttpResponse',
    'HttpTrigger', 'IDEMPOTENCY_KEY_HEADER', 'IdempotencyInfo', 'IdempotencyOptions', 'InitContext',
    'InvocationFacts', 'InvocationUsage', 'InvokeOptions', 'Invoker', 'JsonValue', 'JwtOptions', 'KeyEncryptionKey',
    'KeyValueStore',
    'Keyring', 'KvDeleteOptions', 'KvEntry', 'KvIncrementOptions', 'KvPutOptions', 'KvValue', 'KvWriteResult',
    'LOCAL_KEY_ENV', 'ListOptions', 'ListPage', 'ListPageOptions', 'LogLevel', 'LogRecord', 'Logger', 'LoggerOptions',
    'MapFunctionSpec', 'MapItem', 'MapItemContext', 'MapOptions', 'MapResult', 'MapStats', 'MapTask', 'MessageEvent',
    'MessageEventInit', 'MonthlyBill', 'MonthlyUsage', 'ObjectInfo', 'PlatformPrice', 'PlatformPrincipal',
    'PlatformTrust', 'PolyfaasError', 'PolyfaasErrorOptions', 'PriceTable', 'PricedPlatform', 'ProviderName',
    'PutBody', 'PutOptions', 'QueueTrigger', 'RateLimitOptions', 'ResultFor', 'RunCostOptions', 'ScheduleEvent',
    'ScheduleTrigger', 'StageCost', 'StorageEvent', 'StorageEventInit', 'StorageEventType', 'StorageTrigger',
    'StoreBinding', 'StragglerOptions', 'Trigger', 'WrapContext', 'billedUsage', 'cached', 'costPerMillion',
    'createHttpRequest', 'createLogger', 'createMessageEvent', 'createScheduleEvent', 'createStorageEvent',
    'defineApp', 'defineFunction', 'defineMapFunction', 'encryptedBucket', 'generateApiKey', 'generateLocalKey',
    'googleIapJwt', 'googleIdTokenJwt', 'hashApiKey', 'inProcessInvoker', 'invocationCost', 'isPolyfaasError', 'json',
    'keyring', 'localKey', 'localKeyFromEnv', 'localKeyFromFile', 'map', 'mapLimit', 'monthlyBill', 'openBucket',
    'openKeyValueStore', 'parseApiKeys', 'readAll', 'rewrap', 'runCost', 'text', 'withPrices',
  ],
  'polyfaas/adapter': [
    'AppRuntime', 'AppRuntimeOptions', 'BUCKET_ENV_PREFIX', 'BUCKET_KV_PREFIX', 'BodyRead', 'BucketDriver',
    'BucketKeyValueStore', 'BucketOpener', 'CronSchedule', 'DeadLetter', 'DeliveryFacts', 'DeliveryJournal',
    'DeliveryOptions', 'DirectInvocation', 'DriverBucket', 'DriverKeyValueStore', 'DriverKvPutOptions',
    'DriverPutOptions', 'ENVELOPE_METADATA_KEY', 'EncodeContext', 'EncodedHttpResponse', 'EnvelopeHeader',
    'ErrorBody', 'EventDelivery', 'EventInput', 'EventOutcome', 'FillingReader', 'FunctionInstance', 'HandleHttpOptions', 'HttpResult',
    'HttpRouter', 'HttpTarget', 'InstanceOptions', 'InvocationListener', 'InvocationObserver',
    'InvocationObserverOptions', 'InvocationOptions', 'InvocationRecord', 'InvocationSlot', 'KV_BYTES_TAG',
    'KV_JSON_TAG', 'KeyValueDriver', 'KeyValueOpener', 'KvRecord', 'MAX_KEY_BYTES', 'MAX_KV_KEY_BYTES',
    'MAX_KV_TTL_MS', 'MAX_KV_VALUE_BYTES', 'NO_JOURNAL', 'NeutralEvent', 'NodeRequestOptions', 'NodeResponseOptions',
    'ObservedLogLine', 'PendingDelivery', 'ProviderObjectRef', 'ResponseToResultOptions', 'RouteMatch',
    'SEGMENT_BYTES', 'STORE_ENV_PREFIX', 'SeenVersions', 'WARMUP_EVENT', 'WARMUP_HEADER', 'WARMUP_TOKEN_ENV',
    'WarmupResult', 'addCounter', 'assertSecureEndpoint', 'backoff', 'bucketBindingsFromEnv', 'bucketEnvName',
    'canonicalContext', 'classifyRemoteError', 'codeForHttpStatus', 'codeForNetworkError', 'copyBytes', 'countField',
    'createBucket', 'createKeyValueStore', 'decodeCounter', 'decodeCursor', 'decodeEvent', 'decodeKvValue',
    'effectiveAuth', 'encodeCounter', 'encodeCursor', 'encodeEvent', 'encodeHttpResponse', 'encodeKvValue',
    'encodeResponseBody', 'encodedToResult', 'errorResponse', 'flagField', 'fromNodeRequest', 'generateWarmupToken',
    'hasAuthMethod', 'hostFailure', 'httpStatusFor', 'idField', 'isExpired', 'isRecord', 'isRetried', 'isWarmupEvent',
    'isWarmupRequest', 'kvKeyDigest', 'lazy', 'malformedEvent', 'matchesStorageTrigger', 'newKvVersion',
    'nodeRequestPath', 'objectField', 'observeBucket', 'parseCron', 'plaintextSize', 'readBodyWithLimit',
    'registerBucketScheme', 'registerKeyValueScheme', 'registeredBucketSchemes', 'registeredKeyValueSchemes',
    'rejectedEvent', 'requestTarget', 'resolveProviderObject', 'responseToResult', 'resumeDeliveries',
    'retryDeadLetter', 'sealedSize', 'sizeField', 'storeBindingsFromEnv', 'stringField', 'stringListField',
    'stringListMapField', 'stringMapField', 'summariseEvent', 'timeField', 'toHttpResult', 'toPolyfaasError',
    'validateKey', 'validateKvKey', 'validateMetadata', 'validatePrefix', 'validateTtl', 'writeEncoded',
    'writeNodeResponse',
  ],
  'polyfaas/memory': [
    'MemoryBucket', 'MemoryKeyValueStore', 'MemoryRuntime', 'MemoryRuntimeOptions', 'createMemoryRuntime',
    'registerSchemes',
  ],
  'polyfaas/local': [
    'ConsoleOptions', 'FileBucket', 'FileBucketOptions', 'FileKeyValueStore', 'FileKeyValueStoreOptions',
    'LocalPool', 'LocalPoolOptions', 'LocalServer', 'ServeOptions', 'localPoolInvoker', 'registerSchemes', 'serve',
    'sendToPoolParent',
  ],
  'polyfaas/aws': [
    'AwsKmsKeyOptions', 'DynamoKeyValueStore', 'DynamoKeyValueStoreOptions', 'FUNCTION_ENV', 'InvokeEnvelope',
    'LambdaContextLike', 'LambdaHandler', 'LambdaHandlers', 'LambdaInvokerOptions', 'LazyS3Client', 'S3Bucket', 'S3BucketOptions',
    'S3Location', 'ToLambdaOptions', 'awsIdentity', 'awsKmsKey', 'classifyKmsError', 'lambdaInvoker', 'parseS3Url',
    'registerSchemes', 'toLambda',
  ],
  'polyfaas/gcp': [
    'CloudFunctionInvokerOptions', 'GCS_DELETED', 'GCS_FINALIZED', 'GcpCloudEvent', 'GcpKmsClient', 'GcpKmsKeyOptions', 'GcpTarget', 'GcsBucket',
    'GcsBucketOptions', 'LazyStorage', 'MappedCloudEvent', 'PUBSUB_PUBLISHED', 'RegisterGcpOptions',
    'classifyGrpcError', 'cloudFunctionInvoker', 'gcpKmsKey', 'mapCloudEvent', 'registerGcp', 'registerSchemes',
  ],
  'polyfaas/azure': [
    'AUTH_LEVEL_ENV', 'AzureAuthLevel', 'AzureBlobBucket', 'AzureBlobBucketOptions', 'AzureKeyVaultKeyOptions',
    'AzureRegistration', 'AzureTableKeyValueStore', 'AzureTableKeyValueStoreOptions', 'CONNECTION_STRING_ENV',
    'FALLBACK_FUNCTION', 'KeyVaultCryptoClient', 'KeyVaultWrapAlgorithm', 'RegisterAzureOptions',
    'RegisteredAzureFunction', 'StorageQueueInvokerOptions', 'azureIdentity', 'azureKeyVaultKey', 'hostJson',
    'maxDequeueCount', 'parseAzblobUrl', 'registerAzure', 'registerSchemes', 'storageQueueInvoker',
  ],
  'polyfaas/redis': [
    'RedisClient', 'RedisKeyValueStore', 'RedisKeyValueStoreOptions', 'registerSchemes',
  ],
  'polyfaas/testing': [
    'BucketConformanceOptions', 'INVALID_KEYS', 'INVALID_KV_KEYS', 'IdempotencyConformanceOptions', 'KeyValueConformanceOptions', 'KvProcessSetup',
    'RunningApp', 'RuntimeHarness', 'fetchHttp', 'runBucketConformance', 'runIdempotencyConformance', 'runKeyValueConformance',
    'runRuntimeConformance',
  ],
  'polyfaas/model': [
    'ALIAS_HISTORY_LIMIT', 'AliasHistoryEntry', 'AliasInfo', 'AliasRecord', 'BackendInfo', 'BackendLogger',
    'BackendName', 'BucketIOHandler', 'BucketIOOptions', 'DsseEnvelope', 'ImportModelOptions', 'ImportPreprocessing',
    'InitBackendOptions', 'JsonValue', 'LoadedModel', 'LocateOnnxWasmOptions', 'LocateWasmFilesOptions',
    'MANIFEST_JSON', 'MODEL_FORMATS', 'MODEL_FORMAT_VERSION', 'MODEL_JSON', 'MODEL_SIGNATURE_FILE',
    'MODEL_SIGNING_ALGORITHMS', 'ModelFileEntry', 'ModelFormat', 'ModelLayout', 'ModelRunner', 'ModelSelector',
    'ModelSigningAlgorithm', 'ModelSigningKey', 'ModelSigningOptions', 'ModelStore', 'ModelStoreOptions',
    'ModelTrust', 'ModelVerifyKey', 'ModelVersionInfo', 'OpenedVersion', 'PredictInput', 'PredictOptions',
    'Prediction', 'Predictor', 'PredictorOptions', 'REQUIRE_SIGNATURE_ENV', 'ReadModelFile', 'RunnerOutput',
    'SIGNING_KEY_ENV', 'SIGNING_KEY_ID_ENV', 'SaveModelOptions', 'StoredFile', 'StoredFileFields', 'UntrustedReason',
    'VERIFY_KEYS_ENV', 'VerifiedVersion', 'WASM_BINARY_NAMES', 'WEIGHTS_BIN', 'WasmFilesLocation', 'bucketIOHandler',
    'currentBackend', 'initBackend', 'isVersionId', 'locateWasmFiles', 'modelSigningFromEnv', 'newVersionId',
    'registerWasmGradientKernels',
  ],
  'polyfaas/model-import': [
    'ImportModelOptions', 'ImportPreprocessing', 'LocateOnnxWasmOptions', 'ONNX_FILE', 'ONNX_WASM_DIR_ENV',
    'ONNX_WASM_FILES', 'ReadModelFile', 'importModel', 'importOnnx', 'importTfjsFolder', 'locateOnnxWasmFiles',
    'useOnnx', 'useTfjsGraph',
  ],
  'polyfaas/pipelines': [
    'BatchProgress', 'BatchSummary', 'CheckpointState', 'Checkpointer', 'ChunkManifestState', 'ChunkSummary', 'ChunkedSummary', 'ClassMetrics', 'ClassificationMetrics',
    'CnnOptions', 'CutModel', 'DEFAULT_LAYOUT', 'DEFAULT_MIN_TEST_EXAMPLES', 'DatasetManifest', 'DecodeOptions',
    'DecodedImage', 'EmbeddingsInfo', 'EpochRecord', 'ErrorRecord', 'EvaluateFunctionOptions', 'EvaluateOutcome',
    'EvaluationReport', 'ExtractorRef', 'FeatureExtractorSettings', 'FeaturesManifest', 'FolderIngestSummary',
    'FolderPlan', 'HeadConfig', 'HeadOptions', 'IMAGE_EXTENSIONS', 'ImageClassificationConfig', 'IngestFolderOptions',
    'LastError', 'Layout', 'PIPELINE_BUCKET', 'PipelineHooks', 'PipelineRunCost', 'PipelineStatus',
    'PlanTrainingOptions', 'PredictFunctionOptions', 'PredictResponse', 'PreprocessChunkFunctionOptions', 'PreprocessFunctionOptions',
    'PreprocessPrefixOptions', 'PreprocessResult', 'PreprocessSettings', 'ProgressBar', 'ProgressOptions',
    'ProgressPoint', 'ProgressStream', 'REPORTS_PREFIX', 'RefusedEvaluation', 'ResolvedTrainingConfig', 'RunResult', 'RunStatus',
    'Shard', 'ShardHeader', 'SkippedFile', 'SplitStatus', 'SplitUploadSummary', 'StatusFunctionOptions',
    'StoredReport', 'TRAIN_JOBS_PREFIX', 'TrainFunctionOptions', 'TrainJob', 'TrainOptions', 'TrainOutcome',
    'TrainResult', 'TrainingConfig', 'TrainingData', 'TrainingPosition', 'TrainingProgress', 'UploadImage', 'UploadSplitOptions',
    'buildCnn', 'buildHead', 'composeWithHead', 'createEvaluateFunction', 'createImageClassificationApp', 'createModelInfoFunction',
    'createPlanTrainingFunction', 'createPredictFunction', 'createPreprocessChunkFunction', 'createPreprocessFunction', 'createProgressBar',
    'createStatusFunction', 'createTrainFunction', 'cutAtLayer', 'decodeImage', 'decodeShard', 'explainStatus',
    'ingestFolder', 'isEvaluated', 'parseDatasetManifest', 'pipelineRunCost', 'preprocessPrefix', 'productionReport',
    'progressHooks', 'readFeaturesManifest', 'readManifestShards', 'renderReportHtml', 'renderRunCostHtml',
    'renderRunCostText', 'reportKey', 'requestTraining', 'runCostKey', 'trainWithCheckpoints', 'trainingProgressKey',
    'uploadSplit',
    // Chunked evaluation (#16).
    'EvaluateChunkFunctionOptions', 'EvaluateChunkSummary', 'createEvaluateChunkFunction',

    // Data-parallel training (#16).
    'TrainReduceFunctionOptions', 'TrainReduceOutcome', 'TrainShardFunctionOptions', 'TrainShardOutcome',
    'createTrainReduceFunction', 'createTrainShardFunction',
    // Progress hooks across the serve({ workers }) pool (#16).
    'HookMessage', 'relayedHooks', 'replayHook',
    // The text-classification pipeline (#17).
    'BaselineResult', 'ClassifyFunctionOptions', 'ClassifyResponse', 'NaiveBayes', 'ResolvedTextTrainingConfig',
    'TEXT_FILE_EXTENSIONS', 'TOKENIZER_FORMAT', 'TextClassification', 'TextClassificationConfig', 'TextColumns',
    'TextDatasetManifest', 'TextEvaluateOptions', 'TextEvaluationReport', 'TextExample', 'TextMetrics', 'TextModelShape',
    'TextPreprocessChunkOptions', 'TextPreprocessOptions', 'TextPreprocessOutcome', 'TextTrainFunctionOptions', 'TextTrainOutcome', 'TextTrainingConfig',
    'TextUploadSummary', 'Tokenizer', 'TokenizerOptions', 'UploadTextsOptions', 'buildTextModel', 'createClassifyFunction',
    'createEncoder', 'createTextClassificationApp', 'createTextEvaluateFunction', 'createTextPreprocessChunkFunction', 'createTextPreprocessFunction',
    'createTextTrainFunction', 'fitNaiveBayes', 'fitTokenizer', 'fromCsv', 'fromJsonl', 'htmlText', 'mailText',
    'normalizeText', 'predictNaiveBayes', 'readTexts', 'seededSplit', 'textReportKey', 'tokenize', 'uploadTexts',
  ],
};

const root = resolve(import.meta.dirname, '..');
let actual: Record<string, string[]>;

describe('the public surface', () => {
  beforeAll(() => {
    actual = publicExports(root);
  }, 60_000);

  it('has one source entry per package export, and the list above covers each', async () => {
    const pkg = JSON.parse(await readFile(resolve(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> };
    const subpaths = Object.keys(pkg.exports)
      .filter((s) => s !== './package.json')
      .map((s) => (s === '.' ? 'polyfaas' : `polyfaas/${s.slice(2)}`));
    expect(Object.keys(actual).sort()).toEqual(subpaths.sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(subpaths.sort());
  });

  for (const [entry, names] of Object.entries(EXPECTED)) {
    it(`${entry} exports exactly the listed names`, () => expect(actual[entry]).toEqual([...names].sort()));
  }

  it('exports each name from only one of polyfaas and polyfaas/adapter', () => {
    const app = new Set(actual['polyfaas']);
    expect((actual['polyfaas/adapter'] ?? []).filter((n) => app.has(n))).toEqual([]);
  });

  it('keeps runtime internals out of the app entry and format internals out of the pipeline entry', () => {
    for (const name of ['AppRuntime', 'FunctionInstance', 'EventDelivery', 'HttpRouter', 'encodeCursor', 'fromNodeRequest', 'hostFailure', 'stringField']) {
      expect(actual['polyfaas']).not.toContain(name);
      expect(actual['polyfaas/adapter']).toContain(name);
    }
    for (const name of ['SHARD_MAGIC', 'mulberry32', 'encodeShard', 'parseRawKey']) expect(actual['polyfaas/pipelines']).not.toContain(name);
  });
});
