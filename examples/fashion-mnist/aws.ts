/**
 * The Fashion-MNIST app on AWS Lambda. `polyfaas bundle aws examples/fashion-mnist/aws.ts`
 * builds one zip per function; each Lambda runs `index.handler` with
 * `POLYFAAS_FUNCTION` naming its function and `POLYFAAS_BUCKET_DATA` its bucket.
 */
import { toLambda } from 'polyfaas/aws';
import { fashionMnistApp } from './app.js';

export const app = fashionMnistApp({ bucket: 's3://polyfaas-fashion-mnist' });
export const { handler } = toLambda(app);
