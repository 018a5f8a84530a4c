import type { FunctionDefinition, HttpTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError, json, PolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';

/**
 * `GET /model`: which version is in production, its labels, input shape and
 * metrics — one small read, no TensorFlow, so it answers fast even on a cold
 * instance.
 */
export function createModelInfoFunction(options: { bucket: string; modelName: string; modelsPrefix?: string; alias?: string }): FunctionDefinition<HttpTrigger, undefined> {
  return defineFunction({
    name: 'model-info',
    trigger: { type: 'http', method: 'GET', path: '/model' },
    timeoutMs: 10_000,
    handler: async (_req, ctx) => {
      const store = new ModelStore(ctx.bucket(options.bucket), { prefix: options.modelsPrefix ?? 'models/' });
      const alias = options.alias ?? 'production';
      try {
        const resolved = await store.resolveAlias(options.modelName, alias);
        const info = await store.info(options.modelName, resolved.version);
        return json({ model: options.modelName, alias, version: info.version, labels: info.labels, inputShape: info.inputShape, metrics: info.metrics, createdAt: info.createdAt, updatedAt: resolved.updatedAt });
      } catch (err) {
        if (isPolyfaasError(err, 'NotFound')) throw new PolyfaasError('Unavailable', `No ${alias} model yet`, { cause: err });
        throw err;
      }
    },
  });
}
