import type { FunctionDefinition, HttpTrigger } from '../../src/index.js';
import { defineFunction, isPolyfaasError, json, PolyfaasError } from '../../src/index.js';
import { ModelStore, Predictor } from '../../src/model/index.js';
import { initBackend } from '../../src/tf/index.js';
import { MicroBatcher } from '../shared/micro-batcher.js';
import type { ClassifyLimits } from './classify-input.js';
import { requestTexts } from './classify-input.js';
import { createEncoder, parseTokenizer } from './tokenizer.js';

/** Options for {@link createClassifyFunction}. */
export interface ClassifyFunctionOptions {
  bucket: string;
  modelName: string;
  modelsPrefix?: string;
  /** Alias served. Default `production`. */
  alias?: string;
  /** Largest body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Longest text in characters. Default 20,000 (the model reads its first tokens only; longer texts are refused, not cut silently). */
  maxChars?: number;
  /** Most texts per request. Default 64. */
  maxTexts?: number;
  /** Texts per model call across concurrent requests. Default 64 (1 where an instance runs one request at a time). */
  maxBatchSize?: number;
  /** How long a text at an idle model waits for company, ms. Default 0 (one event-loop turn). */
  maxWaitMs?: number;
  /** How often to check whether the alias moved, ms. Default 10 s. */
  refreshIntervalMs?: number;
}

/** One text's answer. */
export interface TextClassification {
  label: string;
  classId: number;
  probability: number;
  /** Probability of every class, by name. */
  probabilities: Record<string, number>;
}

/** The body of a `POST /classify` answer: one result per text, in request order. */
export interface ClassifyResponse {
  model: string;
  version: string;
  results: TextClassification[];
}

interface ClassifyState {
  predictor: Predictor;
  batcher: MicroBatcher<string, { probabilities: Float32Array; version: string }>;
}

/**
 * `POST /classify`: one text (`text/plain`, or JSON `{ "text" }`) or a batch
 * (JSON `{ "texts": [...] }`). Texts from concurrent requests share model
 * calls through the micro-batcher; each batch is encoded with the tokenizer
 * from the served version's signed manifest, and encoded again if the version
 * changed under it, so a text is never scored with another version's vocabulary.
 *
 * Errors: 400 malformed or empty, 413 too long / too many / body too large,
 * 415 other content types, 503 no production model yet.
 */
export function createClassifyFunction(options: ClassifyFunctionOptions): FunctionDefinition<HttpTrigger, ClassifyState> {
  const limits: ClassifyLimits = { maxChars: options.maxChars ?? 20_000, maxTexts: options.maxTexts ?? 64 };
  return defineFunction({
    name: 'classify',
    trigger: { type: 'http', method: 'POST', path: '/classify' },
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    timeoutMs: 30_000,
    memoryMb: 1024,
    init: async (ctx): Promise<ClassifyState> => {
      await initBackend({ logger: (record) => ctx.log.info('tf backend', record) });
      const store = new ModelStore(ctx.bucket(options.bucket), { prefix: options.modelsPrefix ?? 'models/' });
      const predictor = new Predictor({ store, name: options.modelName, alias: options.alias ?? 'production', refreshIntervalMs: options.refreshIntervalMs ?? 10_000, logger: ctx.log });
      try {
        await predictor.load();
      } catch (err) {
        if (!isPolyfaasError(err, 'Unavailable', 'NotFound')) throw err;
        ctx.log.warn('no model to serve yet', { model: options.modelName });
      }
      const encoders = new Map<string, ReturnType<typeof encoderOf>>();
      const encoderFor = () => {
        const info = predictor.info;
        if (!info) throw new PolyfaasError('Unavailable', 'No production model to serve yet');
        let entry = encoders.get(info.version);
        if (!entry) {
          encoders.clear();
          entry = encoderOf(info.metadata);
          encoders.set(info.version, entry);
        }
        return { version: info.version, ...entry };
      };
      const run = async (texts: string[]) => {
        for (let attempt = 0; ; attempt++) {
          const { version, encode, length } = encoderFor();
          const flat = new Int32Array(texts.length * length);
          texts.forEach((t, i) => encode(t, flat.subarray(i * length, (i + 1) * length)));
          const result = await predictor.predict(new Float32Array(flat), { batch: texts.length });
          // The alias moved between encoding and predicting: encode again with the new version's tokenizer.
          if (result.version !== version && attempt === 0) continue;
          return result.probabilities.map((probabilities) => ({ probabilities, version: result.version }));
        }
      };
      const batcher = new MicroBatcher<string, { probabilities: Float32Array; version: string }>({
        maxBatchSize: ctx.concurrency > 1 ? (options.maxBatchSize ?? 64) : 1,
        maxWaitMs: options.maxWaitMs ?? 0,
        run,
      });
      return { predictor, batcher };
    },
    handler: async (req, ctx) => {
      const { predictor, batcher } = ctx.state;
      const { texts } = requestTexts(req, limits);
      if (!predictor.info) {
        try {
          await predictor.load();
        } catch (err) {
          if (isPolyfaasError(err, 'Unavailable', 'NotFound')) throw new PolyfaasError('Unavailable', 'No production model to serve yet', { cause: err });
          throw err;
        }
      }
      const answers = await Promise.all(texts.map((t) => batcher.submit(t)));
      const labels = predictor.labels ?? [];
      const results = answers.map(({ probabilities }) => {
        let best = 0;
        for (let c = 1; c < probabilities.length; c++) if ((probabilities[c] as number) > (probabilities[best] as number)) best = c;
        return {
          label: labels[best] ?? String(best),
          classId: best,
          probability: probabilities[best] as number,
          probabilities: Object.fromEntries(Array.from(probabilities, (p, c) => [labels[c] ?? String(c), p])),
        };
      });
      const body: ClassifyResponse = { model: options.modelName, version: answers[0]?.version ?? predictor.version ?? '', results };
      return json(body);
    },
  });
}

function encoderOf(metadata: unknown): { encode: ReturnType<typeof createEncoder>; length: number } {
  const tokenizer = parseTokenizer((metadata as { tokenizer?: unknown } | undefined)?.tokenizer);
  return { encode: createEncoder(tokenizer), length: tokenizer.maxLength };
}
