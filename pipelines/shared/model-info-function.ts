import type { FunctionDefinition, HttpTrigger, JsonValue } from '../../src/index.js';
import { cached, defineFunction, isPolyfaasError, json, PolyfaasError } from '../../src/index.js';
import { ModelStore } from '../../src/model/index.js';

/**
 * `GET /model`: which version is in production, its labels, input shape and
 * metrics — one small read, no TensorFlow, so it answers fast even on a cold
 * instance. With `cacheStore` (a key-value store of the app) the answer is
 * cached there for `cacheTtlMs` (default 10 s, as often as predict looks for a
 * moved alias): two bucket reads per request become one store read.
 */
export function createModelInfoFunction(options: {
  bucket: string;
  modelName: string;
  modelsPrefix?: string;
  alias?: string;
  cacheStore?: string;
  cacheTtlMs?: number;
}): FunctionDefinition<HttpTrigger, undefined> {
  return defineFunction({
    name: 'model-info',
    trigger: { type: 'http', method: 'GET', path: '/model' },
    timeoutMs: 10_000,
    handler: async (_req, ctx) => {
      const store = new ModelStore(ctx.bucket(options.bucket), { prefix: options.modelsPrefix ?? 'models/' });
      const alias = options.alias ?? 'production';
      const describe = async () => {
        const resolved = await store.resolveAlias(options.modelName, alias);
        const info = await store.info(options.modelName, resolved.version);
        return JSON.parse(
          JSON.stringify({ model: options.modelName, alias, version: info.version, labels: info.labels, inputShape: info.inputShape, metrics: info.metrics, createdAt: info.createdAt, updatedAt: resolved.updatedAt }),
        ) as JsonValue;
      };
      try {
        if (!options.cacheStore) return json(await describe());
        return json(await cached(ctx.kv(options.cacheStore), `model-info/${options.modelName}/${alias}`, options.cacheTtlMs ?? 10_000, describe));
      } catch (err) {
        if (isPolyfaasError(err, 'NotFound')) throw new PolyfaasError('Unavailable', `No ${alias} model yet`, { cause: err });
        throw err;
      }
    },
  });
}
