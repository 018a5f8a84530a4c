/**
 * The text-classification pipeline on the same core as the image pipeline:
 * labelled texts in a bucket → token shards → a trained, evaluated, promoted
 * recurrent (or convolutional) model served by `POST /classify`.
 *
 * @packageDocumentation
 */
export { mailText, htmlText } from './mail-text.js';
export { readTexts, fromCsv, fromJsonl, TEXT_FILE_EXTENSIONS } from './read-texts.js';
export type { TextColumns } from './read-texts.js';
export { uploadTexts } from './upload-texts.js';
export type { TextUploadSummary, UploadTextsOptions } from './upload-texts.js';
export type { TextExample, TextDatasetManifest } from './text-dataset.js';
export { fitTokenizer, createEncoder, normalizeText, tokenize, TOKENIZER_FORMAT } from './tokenizer.js';
export type { Tokenizer, TokenizerOptions } from './tokenizer.js';

// The whole pipeline as one app, and each step on its own.
export { createTextClassificationApp } from './app.js';
export type { TextClassificationConfig } from './app.js';
export { createTextPreprocessFunction } from './text-preprocess-function.js';
export type { TextPreprocessOptions, TextPreprocessOutcome } from './text-preprocess-function.js';
export { createTextPreprocessChunkFunction } from './text-preprocess-chunk-function.js';
export type { TextPreprocessChunkOptions } from './text-preprocess-chunk-function.js';
export { createTextTrainFunction } from './text-train-function.js';
export type { TextTrainFunctionOptions, TextTrainOutcome } from './text-train-function.js';
export { createTextEvaluateFunction, textReportKey } from './text-evaluate-function.js';
export type { TextEvaluateOptions, TextEvaluationReport } from './text-evaluate-function.js';
export { createClassifyFunction } from './classify-function.js';
export type { ClassifyFunctionOptions, ClassifyResponse, TextClassification } from './classify-function.js';
export type { TextTrainingConfig, ResolvedTextTrainingConfig } from './text-training-config.js';
export { buildTextModel } from './text-model.js';
export type { TextModelShape } from './text-model.js';
export { fitNaiveBayes, predictNaiveBayes } from './naive-bayes.js';
export type { NaiveBayes } from './naive-bayes.js';
export type { BaselineResult } from './baselines.js';
export type { TextMetrics } from './score.js';
// The split uploadTexts draws, for carving a validation split out of the training split the same way.
export { seededSplit } from '../shared/seeded-split.js';
