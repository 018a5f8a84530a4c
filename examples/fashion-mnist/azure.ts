/**
 * Azure Functions entry of the Fashion-MNIST app: `polyfaas bundle azure examples/fashion-mnist/azure.ts`
 * makes it the `main` of a function app. Buckets come from app settings
 * (`POLYFAAS_BUCKET_DATA=azblob://<container>/<prefix>`).
 */
import { registerAzure } from 'polyfaas/azure';
import { app } from './app.js';

registerAzure(app);
