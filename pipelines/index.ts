/**
 * `polyfaas/pipelines`: the AI code, written once against the core.
 *
 * @packageDocumentation
 */
export * from './image-classification/index.js';
export * from './text-classification/index.js';
