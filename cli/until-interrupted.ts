/**
 * Resolve once SIGINT or SIGTERM arrives and `close` has finished: how a
 * command that serves (serve, train) keeps running until ctrl-c and still
 * shuts its server down cleanly.
 */
export function untilInterrupted(close: () => Promise<void>): Promise<void> {
  return new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
