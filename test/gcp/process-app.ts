/**
 * A tiny app for tests that run the real `functions-framework` binary on
 * TypeScript source (`node --import tsx`): one storage function, one failing HTTP function.
 */
import { registerGcp } from '../../adapters/gcp/index.js';
import { defineApp, defineFunction } from '../../src/index.js';

export const app = defineApp({
  name: 'process-app',
  buckets: { data: 'gs://bound-by-env/' },
  functions: [
    defineFunction({
      name: 'copy',
      trigger: { type: 'storage', bucket: 'data', prefix: 'in/' },
      handler: async (event, ctx) => {
        const obj = await ctx.bucket('data').get(event.key);
        await ctx.bucket('data').put(event.key.replace(/^in\//, 'out/'), obj.body, { metadata: { attempt: String(ctx.attempt), source: 'copy' } });
      },
    }),
    defineFunction({
      name: 'boom',
      trigger: { type: 'http', method: 'GET', path: '/boom' },
      handler: () => {
        throw new Error('secret database password in /srv/app/db.ts:12');
      },
    }),
  ],
});

registerGcp(app);
