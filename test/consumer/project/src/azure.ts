/** Azure Functions entry: `npx polyfaas bundle azure src/azure.ts --bucket docs=azblob://<container>/<prefix>`. */
import { registerAzure } from 'polyfaas/azure';
import { app } from './app.js';

registerAzure(app);
