/**
 * Child process of the micro-batching bench: serves the pipeline's `predict`
 * function with `serve` from `adapters/local` and prints `{"url": ...}` once
 * the model is loaded. Runs until killed.
 *
 * Usage: node --import tsx bench/children/serve-predict.ts <model-dir> <maxBatchSize|default>
 */
import { serve } from '../../adapters/local/index.js';
import { predictApp } from '../support/predict-app.js';

const [modelDir, batch] = process.argv.slice(2);
if (!modelDir) throw new Error('usage: serve-predict.ts <model-dir> <maxBatchSize|default>');
const serving = batch && batch !== 'default' ? { maxBatchSize: Number(batch) } : {};
const server = await serve(predictApp(modelDir, serving), { port: 0, initOnStart: true, schedules: false });
console.log(JSON.stringify({ url: server.url }));
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
