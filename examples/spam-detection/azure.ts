/**
 * The spam filter on Azure Functions: `polyfaas bundle azure examples/spam-detection/azure.ts`
 * (`POLYFAAS_BUCKET_DATA=azblob://<container>/<prefix>`).
 */
import { registerAzure } from 'polyfaas/azure';
import { app } from './app.js';

registerAzure(app);
