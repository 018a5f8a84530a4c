import type { QueueServiceClient } from '@azure/storage-queue';
import type { Invoker } from '../../src/index.js';
import { classifyRemoteError, toPolyfaasError } from '../../src/adapter.js';

/** Options of {@link storageQueueInvoker}. */
export interface StorageQueueInvokerOptions {
  /** The storage account the function app's queue triggers listen on (`QueueServiceClient.fromConnectionString(...)`). */
  readonly service: QueueServiceClient;
  /** The queue a polyfaas function listens on; default its trigger's queue, which `defineMapFunction` names after the function. */
  readonly queueName?: (fn: string) => string;
}

/**
 * An {@link Invoker} that puts each task on the function's storage queue
 * (base64, the Functions host's default encoding). The host runs it whenever
 * an instance takes the message, so the map reads results and coded failures
 * from the bucket (`enqueue` mode). The host's own redelivery stays off for
 * map functions (`retries: 0`): the map decides about launches.
 *
 * @example
 * ```ts
 * const invoker = storageQueueInvoker({ service: QueueServiceClient.fromConnectionString(process.env.AzureWebJobsStorage!) });
 * ```
 */
export function storageQueueInvoker(options: StorageQueueInvokerOptions): Invoker {
  const name = options.queueName ?? ((fn: string) => fn);
  return {
    mode: 'enqueue',
    async invoke(fn, task, { signal }) {
      try {
        await options.service.getQueueClient(name(fn)).sendMessage(Buffer.from(JSON.stringify(task)).toString('base64'), { abortSignal: signal });
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        throw toPolyfaasError(err, `Queueing ${fn} failed`, (e: unknown) => classifyRemoteError(e, status));
      }
    },
  };
}
