/**
 * The spam filter on Google Cloud Functions:
 * `polyfaas bundle gcp examples/spam-detection/gcp.ts --bucket data=gs://<bucket>/spam/`.
 */
import { registerGcp } from 'polyfaas/gcp';
import { app } from './app.js';

registerGcp(app);

export { app };
