/**
 * Image classification pipeline steps that run unchanged on every polyfaas
 * runtime. Preprocess: raw images in a bucket → compact training shards.
 *
 * @packageDocumentation
 */
export { createPreprocessFunction } from './preprocess.js';
export type { PreprocessFunctionOptions, PreprocessResult } from './preprocess.js';
export { preprocessPrefix } from './preprocess-batch.js';
export type { BatchSummary, PreprocessPrefixOptions } from './preprocess-batch.js';
export { preprocessImage } from './preprocess-image.js';
export type { ImageSummary, PreprocessImageOptions } from './preprocess-image.js';
export type { PreprocessSettings } from './settings.js';
export { decodeImage, normalize, imageToInput, DEFAULT_MAX_PIXELS, defaultMaxPixels } from './image.js';
export type { DecodeOptions, DecodedImage, ModelInputSpec, NormalizeOptions } from './image.js';
export { augmentImage, augmentBatch, mulberry32, mixSeed } from './augment.js';
export type { AugmentOptions, ImageShape, Random } from './augment.js';
export { encodeShard, decodeShard, shardFeatures, readShard, writeShard, SHARD_MAGIC, SHARD_VERSION } from './shards.js';
export type { Shard, ShardEntry, ShardHeader, ShardInput, ShardSource } from './shards.js';
export { FEATURES_MANIFEST_FORMAT, parseFeaturesManifest, readFeaturesManifest, readManifestShards } from './features-manifest.js';
export type { FeaturesManifest } from './features-manifest.js';
export { DATASET_MANIFEST_FORMAT, encodeDatasetManifest, parseDatasetManifest } from './dataset-manifest.js';
export type { DatasetManifest } from './dataset-manifest.js';
export {
  DEFAULT_LAYOUT,
  DATASET_MANIFEST_FILE,
  IMAGE_EXTENSIONS,
  parseRawKey,
  rawSplitPrefix,
  datasetManifestKey,
  featuresSplitPrefix,
  featuresManifestKey,
  classSlug,
  labelDir,
  labelFromDir,
} from './layout.js';
export type { Layout, RawKey } from './layout.js';
export type { ErrorRecord } from './error-records.js';
export { uploadSplit } from './upload-split.js';
export type { SplitUploadSummary, UploadImage, UploadSplitOptions } from './upload-split.js';
export { ingestFolder } from './ingest-folder.js';
export type { FolderIngestSummary, FolderPlan, IngestFolderOptions, SkippedFile } from './ingest-folder.js';
export { createProgressBar, formatBar } from './progress.js';
export type { ProgressBar, ProgressOptions, ProgressStream } from './progress.js';
export { progressHooks } from './progress-hooks.js';
export { explainStatus, productionReport, requestTraining } from './run-outcome.js';
export { createImageClassificationApp, PIPELINE_BUCKET } from './app.js';
export type { ImageClassificationConfig } from './app.js';
export type { PipelineHooks } from './hooks.js';
export { createPlanTrainingFunction } from './plan-training.js';
export type { PlanTrainingOptions } from './plan-training.js';
export { createTrainFunction } from './train-function.js';
export type { TrainFunctionOptions, TrainOutcome } from './train-function.js';
export { createEvaluateFunction, DEFAULT_MIN_TEST_EXAMPLES } from './evaluate-function.js';
export type { EvaluateFunctionOptions, EvaluateOutcome } from './evaluate-function.js';
export { createPredictFunction } from './predict-function.js';
export type { PredictFunctionOptions, PredictResponse } from './predict-function.js';
export { createModelInfoFunction } from './model-info-function.js';
export { createStatusFunction } from './status-function.js';
export type { PipelineStatus, RunStatus, SplitStatus, StatusFunctionOptions } from './status-function.js';
export { LAST_ERROR_KEY, recordingFailures } from './last-error.js';
export type { LastError } from './last-error.js';
export { resolveTrainingConfig } from './training-config.js';
export type { TrainingConfig, ResolvedTrainingConfig } from './training-config.js';
export { trainWithCheckpoints } from './trainer.js';
export type { BatchProgress, TrainingData, TrainOptions, TrainResult } from './trainer.js';
export { Checkpointer } from './checkpoint.js';
export type { CheckpointState, EpochRecord, TrainingPosition } from './checkpoint.js';
export { buildCnn } from './cnn.js';
export type { CnnOptions } from './cnn.js';
export { loadShardDataset } from './shard-dataset.js';
export type { ShardDataset } from './shard-dataset.js';
export { evaluateModel } from './evaluate-model.js';
export { classificationMetrics, argmaxRows } from './metrics.js';
export type { ClassificationMetrics, ClassMetrics } from './metrics.js';
export { isEvaluated, renderReportHtml } from './report.js';
export type { EvaluationReport, RefusedEvaluation, StoredReport } from './report.js';
export { MicroBatcher } from './micro-batcher.js';
export type { MicroBatcherOptions } from './micro-batcher.js';
export { epochPermutation } from './permutation.js';
export { TRAIN_JOBS_PREFIX, RUNS_PREFIX, REPORTS_PREFIX, reportKey, trainJobKey } from './jobs.js';
export type { TrainJob, RunResult } from './jobs.js';
