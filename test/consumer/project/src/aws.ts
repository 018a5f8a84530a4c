/** AWS Lambda entry: `npx polyfaas bundle aws src/aws.ts --bucket docs=s3://<bucket>/<prefix>`. */
import { toLambda } from 'polyfaas/aws';
import { app } from './app.js';

export { app };
export const { handler } = toLambda(app);
