/**
 * The Lambda entry the cold-start and memory benches bundle: exactly
 * `examples/fashion-mnist/aws.ts` (the whole app, `POLYFAAS_FUNCTION` picks
 * `predict`), plus the `file://` scheme so `POLYFAAS_BUCKET_DATA` can point at
 * the bench model's local FileBucket instead of S3 — the baseline reads the
 * same directory, so both sides pay the same storage cost.
 */
import { toLambda } from '../../adapters/aws/index.js';
import { registerSchemes } from '../../adapters/local/file-bucket.js';
import { fashionMnistApp } from '../../examples/fashion-mnist/app.js';

registerSchemes();
export const app = fashionMnistApp({ bucket: 's3://polyfaas-fashion-mnist' });
export const { handler } = toLambda(app);
