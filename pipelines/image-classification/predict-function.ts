import type { FunctionDefinition, HttpTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError, json, PolyfaasError } from '../../src/index.js';
import { ModelStore, Predictor } from '../../src/model/index.js';
import { initBackend } from '../../src/tf/index.js';
import { defaultMaxPixels } from './image.js';
import { MicroBatcher } from '../shared/micro-batcher.js';
import type { PixelScaling } from './predict-input.js';
import { requestToInput } from './predict-input.js';

/** Options for {@link createPredictFunction}. */
export interface PredictFunctionOptions {
  bucket: string;
  modelName: string;
  modelsPrefix?: string;
  /** Alias served. Default `production`. */
  alias?: string;
  /** Largest request body. Default 2 MiB. */
  maxBodyBytes?: number;
  /** Largest image accepted, in pixels (before resizing). Default derived from the model's input: see {@link defaultMaxPixels}. */
  maxPixels?: number;
  /**
   * Micro-batching: at most this many requests per model call. Default 32.
   * Where an instance runs one invocation at a time (`ctx.concurrency` 1,
   * AWS Lambda) requests are never batched.
   */
  maxBatchSize?: number;
  /**
   * Micro-batching: how long a request at an idle model waits for company, ms.
   * Default 0: a batch holds the requests that arrived in one event-loop turn
   * (plus those that arrive while the model is busy), so a lone request waits
   * microseconds, not a window. With 16 requests in flight the bundled function
   * peaks at ~83 MB RSS, inside a 128 MB function.
   */
  maxWaitMs?: number;
  /** How often to check whether the alias moved, ms. Default 10 s. */
  refreshIntervalMs?: number;
  /** Labels returned by default (`?k=` overrides). Default 3. */
  topK?: number;
}

interface PredictState {
  predictor: Predictor;
  batcher: MicroBatcher<Float32Array, { probabilities: Float32Array; version: string }>;
}

/** One answer of `POST /predict`. */
export interface PredictResponse {
  model: string;
  version: string;
  predictions: { label: string; classId: number; probability: number }[];
}

/**
 * `POST /predict`: classify one image (raw PNG/JPEG/WebP body, raw pixel bytes, JSON base64
 * `image`, or JSON `pixels`). The production model is loaded and warmed up in
 * `init`; concurrent requests share model calls through a micro-batcher; the
 * model is swapped when `production` moves, without dropping requests.
 *
 * Errors: 413 body too large, 415 unsupported content type, 400 undecodable
 * image or wrong pixel count, 503 no production model yet.
 */
export function createPredictFunction(options: PredictFunctionOptions): FunctionDefinition<HttpTrigger, PredictState> {
  return defineFunction({
    name: 'predict',
    trigger: { type: 'http', method: 'POST', path: '/predict' },
    maxBodyBytes: options.maxBodyBytes ?? 2 * 1024 * 1024,
    timeoutMs: 30_000,
    memoryMb: 1024,
    init: async (ctx): Promise<PredictState> => {
      await initBackend({ logger: (record) => ctx.log.info('tf backend', record) });
      const store = new ModelStore(ctx.bucket(options.bucket), { prefix: options.modelsPrefix ?? 'models/' });
      const predictor = new Predictor({
        store,
        name: options.modelName,
        alias: options.alias ?? 'production',
        refreshIntervalMs: options.refreshIntervalMs ?? 10_000,
        logger: ctx.log,
      });
      try {
        await predictor.load();
      } catch (err) {
        // No production model yet is normal before the first training run; requests answer 503 until one appears.
        if (!isPolyfaasError(err, 'Unavailable', 'NotFound')) throw err;
        ctx.log.warn('no model to serve yet', { model: options.modelName });
      }
      const batcher = new MicroBatcher<Float32Array, { probabilities: Float32Array; version: string }>({
        // One request at a time (Lambda): nobody can join a batch, so do not wait a turn for them.
        maxBatchSize: ctx.concurrency > 1 ? (options.maxBatchSize ?? 32) : 1,
        maxWaitMs: options.maxWaitMs ?? 0,
        run: async (inputs) => {
          const size = inputs[0]?.length ?? 0;
          const flat = inputs.length === 1 ? (inputs[0] as Float32Array) : new Float32Array(inputs.length * size);
          if (inputs.length > 1) inputs.forEach((x, i) => flat.set(x, i * size));
          const result = await predictor.predict(flat, { batch: inputs.length });
          return result.probabilities.map((probabilities) => ({ probabilities, version: result.version }));
        },
      });
      return { predictor, batcher };
    },
    handler: async (req, ctx) => {
      const { predictor, batcher } = ctx.state;
      const k = parseTopK(req.query.k, options.topK ?? 3);
      if (!predictor.info) await loadOrUnavailable(predictor);
      const info = predictor.info;
      const [height, width, channels] = (predictor.inputShape ?? []) as number[];
      if (!info || !height || !width || (channels !== 1 && channels !== 3)) throw new PolyfaasError('Unavailable', 'No production model to serve yet');
      const input = await requestToInput(req, { height, width, channels }, scalingOf(info.metadata), options.maxPixels ?? defaultMaxPixels({ height, width }));
      const { probabilities, version } = await batcher.submit(input);
      const labels = predictor.labels ?? [];
      const ranked = Array.from(probabilities, (probability, classId) => ({ label: labels[classId] ?? String(classId), classId, probability }))
        .sort((a, b) => b.probability - a.probability)
        .slice(0, k);
      const body: PredictResponse = { model: options.modelName, version, predictions: ranked };
      return json(body);
    },
  });
}

async function loadOrUnavailable(predictor: Predictor): Promise<void> {
  try {
    await predictor.load();
  } catch (err) {
    if (isPolyfaasError(err, 'Unavailable', 'NotFound')) throw new PolyfaasError('Unavailable', 'No production model to serve yet', { cause: err });
    throw err;
  }
}

function parseTopK(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const k = Number(raw);
  if (!Number.isInteger(k) || k < 1 || k > 1000) throw new PolyfaasError('InvalidArgument', '?k= must be an integer from 1 to 1000');
  return k;
}

function scalingOf(metadata: unknown): PixelScaling {
  const p = (metadata as { preprocessing?: Partial<PixelScaling> } | undefined)?.preprocessing;
  return { scale: p?.scale ?? 1 / 255, mean: p?.mean ?? [], std: p?.std ?? [] };
}
