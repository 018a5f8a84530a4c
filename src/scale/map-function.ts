import type { Context } from '../context.js';
import { isPolyfaasError, PolyfaasError } from '../errors.js';
import type { MessageEvent } from '../events/message.js';
import type { FunctionDefinition, QueueTrigger } from '../function.js';
import { defineFunction } from '../function.js';
import type { Bucket } from '../storage/types.js';
import { readJson } from './map.js';
import type { MapFailureRecord, MapRecord, MapReply, MapTask } from './map-task.js';
import { failureKey, isMapTask, resultKey } from './map-task.js';

/** What a map handler gets besides its item: the function's context and where the item sits in the map. */
export interface MapItemContext<S = unknown> extends Context<S> {
  /** The item's index in the map's inputs. */
  readonly index: number;
  /** 1 for the item's first launch; higher for retries and straggler backups. */
  readonly launch: number;
  /** The map's id: with {@link index}, a key for effects that must happen once per item. */
  readonly mapId: string;
}

/** What {@link defineMapFunction} needs. */
export interface MapFunctionSpec<I, O> {
  /** The function's name, which {@link map} calls. */
  readonly name: string;
  /** The logical bucket (a key of `defineApp({ buckets })`) the map's client passes as `options.bucket`. */
  readonly bucket: string;
  /** The queue it also listens on; default the function's name. */
  readonly queue?: string;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  /** Compute one item's result; throw a `PolyfaasError` to fail the item (permanent codes are not retried). */
  readonly handler: (item: I, ctx: MapItemContext) => Promise<O> | O;
}

/**
 * A function {@link map} can fan out to: queue-triggered, so every platform
 * can invoke it directly (Lambda `Invoke`, a CloudEvent POST, a storage
 * queue message), with a message body that is a map task.
 *
 * It reads the item (from the bucket when it was too large to inline), runs
 * `handler`, and commits the result to the bucket with write-if-absent: the
 * first launch of an item to finish wins, and a later one (a straggler
 * overtaken by its backup) returns the winner's result instead of its own.
 * Effects beyond the result that must happen once per item should be keyed
 * on `ctx.mapId` and `ctx.index` the same way. A failed item is answered,
 * not thrown: the map decides about retries, and the code reaches it over
 * every transport.
 *
 * @example
 * ```ts
 * export const square = defineMapFunction({ name: 'square', bucket: 'data', handler: (n: number) => n * n });
 * ```
 */
export function defineMapFunction<I, O>(spec: MapFunctionSpec<I, O>): FunctionDefinition<QueueTrigger> {
  return defineFunction({
    name: spec.name,
    trigger: { type: 'queue', queue: spec.queue ?? spec.name },
    ...(spec.timeoutMs !== undefined ? { timeoutMs: spec.timeoutMs } : {}),
    ...(spec.memoryMb !== undefined ? { memoryMb: spec.memoryMb } : {}),
    // A failed item is retried by the map, which knows about backups; a queue's own redelivery would double it.
    retries: 0,
    handler: async (message: MessageEvent, ctx: Context) => {
      const task = message.json<unknown>();
      if (!isMapTask(task)) throw new PolyfaasError('InvalidArgument', `${spec.name} is a map function: its messages are map tasks`);
      const bucket = ctx.bucket(spec.bucket);
      try {
        const item = task.itemKey === undefined ? task.item : await readItem(bucket, task.itemKey);
        const value = await spec.handler(item as I, Object.assign(Object.create(ctx) as Context, { index: task.index, launch: task.launch, mapId: task.id }) as MapItemContext);
        return await commit(bucket, task, value);
      } catch (err) {
        const failure = failureOf(err);
        if (task.report) await reportFailure(bucket, task, failure);
        ctx.log.warn('map item failed', { index: task.index, launch: task.launch, code: failure.code });
        return { 'polyfaas.map': 1, index: task.index, launch: task.launch, error: failure } satisfies MapReply;
      }
    },
  });
}

async function readItem(bucket: Bucket, key: string): Promise<unknown> {
  const item = await readJson<unknown>(bucket, key);
  if (item === undefined) throw new PolyfaasError('NotFound', 'The map item is not in the bucket');
  return item;
}

/** Write-if-absent: the first result of an item is the result; the reply carries the winner's. */
async function commit(bucket: Bucket, task: MapTask, value: unknown): Promise<MapReply> {
  const key = resultKey(task.prefix, task.id, task.index);
  let record: MapRecord = { launch: task.launch, value: value ?? null };
  const body = JSON.stringify(record);
  try {
    await bucket.put(key, body, { contentType: 'application/json', ifNoneMatch: '*' });
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) throw err;
    record = (await readJson<MapRecord>(bucket, key)) ?? record;
  }
  const small = new TextEncoder().encode(JSON.stringify(record.value)).byteLength <= task.inlineLimit;
  return { 'polyfaas.map': 1, index: task.index, launch: record.launch, ...(small ? { value: record.value } : { stored: true }) };
}

/** A failure as the map's client may see it: coded messages, never an internal one. */
function failureOf(err: unknown): MapFailureRecord {
  const coded = err instanceof PolyfaasError && err.code !== 'Internal';
  return coded ? { code: err.code, message: err.message.slice(0, 500) } : { code: 'Internal', message: 'The map function failed' };
}

/** For transports that return nothing: the map learns of the failure from the bucket. */
async function reportFailure(bucket: Bucket, task: MapTask, record: MapFailureRecord): Promise<void> {
  await bucket.put(failureKey(task.prefix, task.id, task.index, task.launch), JSON.stringify(record), { contentType: 'application/json' }).catch(() => undefined);
}
