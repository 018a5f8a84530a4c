/**
 * Memoise an async factory: the first call starts `make`, later calls share
 * its promise. A rejection is not cached, so the next call tries again (an SDK
 * that failed to load, a client whose first connection failed).
 *
 * Adapters use it to load cloud SDKs on the first storage call instead of at
 * import, which keeps them out of cold starts that never touch a bucket.
 *
 * @example
 * ```ts
 * const client = lazy(async () => new (await import('@aws-sdk/client-s3')).S3Client({}));
 * await (await client()).send(command);
 * ```
 */
export function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = make();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
