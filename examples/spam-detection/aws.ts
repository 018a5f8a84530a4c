/**
 * The spam filter on AWS Lambda. `polyfaas bundle aws examples/spam-detection/aws.ts`
 * builds one zip per function; each Lambda runs `index.handler` with
 * `POLYFAAS_FUNCTION` naming its function.
 */
import { toLambda } from 'polyfaas/aws';
import { spamApp } from './app.js';

export const app = spamApp({ bucket: 's3://polyfaas-spam-detection' });
export const { handler } = toLambda(app);
