import type { AppDefinition, AppRuntimeOptions } from '../../src/index.js';
import { AppRuntime } from '../../src/index.js';

/**
 * The app runtime of this worker, created on first use: Azure loads the entry
 * module synchronously to read registrations, while opening buckets is async.
 * A failed creation (e.g. a bad binding) is retried by the next invocation.
 */
export function lazyRuntime(app: AppDefinition, options: AppRuntimeOptions): () => Promise<AppRuntime> {
  let pending: Promise<AppRuntime> | undefined;
  return () => {
    pending ??= AppRuntime.create(app, options).catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
