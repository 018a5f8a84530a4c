/** Google Cloud Functions entry: `npx polyfaas bundle gcp src/gcp.ts --bucket docs=gs://<bucket>/<prefix>`. */
import { registerGcp } from 'polyfaas/gcp';
import { app } from './app.js';

registerGcp(app);

export { app };
