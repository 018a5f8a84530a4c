import { fsyncDir } from './fs-util.js';

/** Callers waiting for one directory fsync. */
interface DirQueue {
  running: boolean;
  waiting: { resolve: () => void }[];
}

/**
 * Group commit for directory fsyncs: makes the renames callers already did in
 * a directory durable, sharing one fsync among every caller that asked while
 * the previous fsync was in flight.
 *
 * Correctness: a caller is resolved only by an fsync that *started after* it
 * called {@link sync} (the batch is taken just before the fsync begins), and
 * callers call it after their rename returned, so that fsync covers the rename.
 *
 * Why: a durable put renames into the key's directory and must fsync that
 * directory before returning (POSIX makes a rename durable only then). With 16
 * puts in flight into a handful of directories, one fsync per put would double
 * the flushes the disk has to do; batching costs nothing in safety.
 */
export class DirSyncer {
  private readonly queues = new Map<string, DirQueue>();

  /** @param fsync syncs one directory and never rejects; replaceable for tests. */
  constructor(private readonly fsync: (dir: string) => Promise<void> = fsyncDir) {}

  /** Resolve once an fsync of `dir` that started after this call has finished (best effort, see {@link fsyncDir}). */
  sync(dir: string): Promise<void> {
    return new Promise((resolve) => {
      let queue = this.queues.get(dir);
      if (!queue) {
        queue = { running: false, waiting: [] };
        this.queues.set(dir, queue);
      }
      queue.waiting.push({ resolve });
      if (!queue.running) void this.drain(dir, queue);
    });
  }

  private async drain(dir: string, queue: DirQueue): Promise<void> {
    queue.running = true;
    while (queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0);
      await this.fsync(dir);
      for (const waiter of batch) waiter.resolve();
    }
    queue.running = false;
    this.queues.delete(dir);
  }
}
