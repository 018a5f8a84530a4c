/**
 * The image-classification pipeline that runs unchanged on every polyfaas
 * runtime: raw images in a bucket → shards → a trained, evaluated, promoted
 * model served by `POST /predict`. This entry is its documented API, grouped
 * below; the modules behind it (shard encoding, augmentation, layout helpers,
 * …) are implementation and may change. test/public-surface.test.ts lists
 * every exported name, so the surface only grows on purpose.
 *
 * @packageDocumentation
 */

// The whole pipeline as one app, and the hooks that watch it.
export { createImageClassificationApp, PIPELINE_BUCKET } from './app.js';
export type { ImageClassificationConfig } from './app.js';
export type { PipelineHooks } from './hooks.js';
export type { PreprocessSettings } from './settings.js';
export type { TrainingConfig, ResolvedTrainingConfig } from './training-config.js';

// Each step on its own, to compose a different app.
export { createPreprocessFunction } from './preprocess.js';
export type { ChunkedSummary, PreprocessFunctionOptions, PreprocessResult } from './preprocess.js';
export { createPreprocessChunkFunction } from './preprocess-chunk-function.js';
export type { PreprocessChunkFunctionOptions } from './preprocess-chunk-function.js';
export type { ChunkManifestState, ChunkSummary } from './preprocess-chunks.js';
export { preprocessPrefix } from './preprocess-batch.js';
export type { BatchSummary, PreprocessPrefixOptions } from './preprocess-batch.js';
export { createPlanTrainingFunction } from './plan-training.js';
export type { PlanTrainingOptions } from './plan-training.js';
export { createTrainFunction } from './train-function.js';
export type { TrainFunctionOptions, TrainOutcome } from './train-function.js';
export { createTrainShardFunction } from './train-shard-function.js';
export type { TrainShardFunctionOptions, TrainShardOutcome } from './train-shard-function.js';
export { createTrainReduceFunction } from './train-reduce-function.js';
export type { TrainReduceFunctionOptions, TrainReduceOutcome } from './train-reduce-function.js';
export { createEvaluateFunction, DEFAULT_MIN_TEST_EXAMPLES } from './evaluate-function.js';
export type { EvaluateFunctionOptions, EvaluateOutcome } from './evaluate-function.js';
export { createEvaluateChunkFunction } from './evaluate-chunk-function.js';
export type { EvaluateChunkFunctionOptions } from './evaluate-chunk-function.js';
export type { EvaluateChunkSummary } from './evaluate-chunks.js';
export { createPredictFunction } from './predict-function.js';
export type { PredictFunctionOptions, PredictResponse } from './predict-function.js';
export { createModelInfoFunction } from '../shared/model-info-function.js';
export { createStatusFunction } from './status-function.js';
export type { PipelineStatus, RunStatus, SplitStatus, StatusFunctionOptions } from './status-function.js';

// Getting images in: a folder of class folders, or labelled images from a program.
export { ingestFolder } from './ingest-folder.js';
export type { FolderIngestSummary, FolderPlan, IngestFolderOptions, SkippedFile } from './ingest-folder.js';
export { uploadSplit } from './upload-split.js';
export type { SplitUploadSummary, UploadImage, UploadSplitOptions } from './upload-split.js';
export { DEFAULT_LAYOUT, IMAGE_EXTENSIONS } from './layout.js';
export type { Layout } from './layout.js';
export type { ErrorRecord } from './error-records.js';
export { decodeImage } from './image.js';
export type { DecodeOptions, DecodedImage } from './image.js';

// Running it from a terminal or a program, and reading what it produced.
export { createProgressBar } from './progress.js';
export type { ProgressBar, ProgressOptions, ProgressStream } from './progress.js';
export { progressHooks } from './progress-hooks.js';
export { relayedHooks, replayHook } from './hook-relay.js';
export type { HookMessage } from './hook-relay.js';
export { explainStatus, productionReport, requestTraining } from './run-outcome.js';
export { isEvaluated, renderReportHtml } from '../shared/report.js';
export { pipelineRunCost, renderRunCostText, renderRunCostHtml } from '../shared/run-cost.js';
export type { PipelineRunCost } from '../shared/run-cost.js';
export type { EvaluationReport, RefusedEvaluation, StoredReport } from '../shared/report.js';
export type { ClassificationMetrics, ClassMetrics } from '../shared/metrics.js';
export type { LastError } from './last-error.js';
export { TRAIN_JOBS_PREFIX, REPORTS_PREFIX, reportKey, runCostKey } from './jobs.js';
export type { TrainJob, RunResult } from './jobs.js';
export { trainingProgressKey } from '../shared/training-progress.js';
export type { ProgressPoint, TrainingProgress } from '../shared/training-progress.js';
export { parseDatasetManifest } from './dataset-manifest.js';
export type { DatasetManifest } from './dataset-manifest.js';
export { readFeaturesManifest, readManifestShards } from './features-manifest.js';
export type { FeaturesManifest } from './features-manifest.js';
export { decodeShard } from './shards.js';
export type { Shard, ShardHeader } from './shards.js';

// The resumable training loop, for training a model of one's own on the shards.
export { trainWithCheckpoints } from '../shared/trainer.js';
export type { BatchProgress, TrainingData, TrainOptions, TrainResult } from '../shared/trainer.js';
export { Checkpointer } from '../shared/checkpoint.js';
export type { CheckpointState, EpochRecord, TrainingPosition } from '../shared/checkpoint.js';
export { buildCnn } from './cnn.js';
export type { CnnOptions } from './cnn.js';

// Transfer learning: a stored model cut at a layer as a frozen feature extractor, and a small head on top.
export { cutAtLayer } from './feature-extractor.js';
export type { CutModel, ExtractorRef, FeatureExtractorSettings } from './feature-extractor.js';
export { buildHead, composeWithHead } from './head.js';
export type { HeadOptions } from './head.js';
export type { HeadConfig } from './training-config.js';
export type { EmbeddingsInfo } from './embeddings.js';
