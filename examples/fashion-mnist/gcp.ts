/**
 * The Fashion-MNIST app on Google Cloud Functions: `polyfaas bundle gcp examples/fashion-mnist/gcp.ts --bucket data=gs://<bucket>/fashion/`.
 * Each function is deployed with its name as the entry point; the bucket comes from POLYFAAS_BUCKET_DATA.
 */
import { registerGcp } from 'polyfaas/gcp';
import { app } from './app.js';

registerGcp(app);

export { app };
