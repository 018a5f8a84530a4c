import type { ServerResponse } from 'node:http';
import type { StorageEvent } from '../../../src/index.js';
import type { AppRuntime } from '../../../src/adapter.js';
import { isPolyfaasError } from '../../../src/index.js';
import { RUNS_PREFIX } from '../../../pipelines/shared/runs.js';
import type { TrainingProgress } from '../../../pipelines/shared/training-progress.js';
import { PROGRESS_FILE } from '../../../pipelines/shared/training-progress.js';
import type { ConsoleEvents } from './event-stream.js';
import { sendJson } from './respond.js';

/** Runs listed at once, newest first. */
const MAX_RUNS = 20;
/** Largest progress object read; the pipeline keeps them far smaller. */
const MAX_PROGRESS_BYTES = 256 * 1024;
const PROGRESS_KEY = new RegExp(`^${RUNS_PREFIX}[^/]+/${PROGRESS_FILE.replace('.', '\\.')}$`);

/** A run's progress as the console sends it: which bucket it is in, and the object as the train function wrote it. */
export interface ProgressView {
  bucket: string;
  progress: TrainingProgress;
}

/**
 * Training runs as the pipeline publishes them (`runs/<run-id>/progress.json`,
 * see `pipelines/image-classification/training-progress.ts`): listed on
 * request, and pushed as `training` events on the console stream when the
 * train function rewrites one. Pushing reads at most one object per run at a
 * time (a write that lands meanwhile is read once afterwards, the ones between
 * are skipped), and nothing at all while no console is listening.
 */
export class TrainingFeed {
  /** Keys being read now, and whether they changed again meanwhile. */
  private readonly reading = new Map<string, boolean>();

  constructor(
    private readonly rt: AppRuntime,
    private readonly names: readonly string[],
    private readonly events: ConsoleEvents,
  ) {}

  /** `GET api/training`: the newest runs with published progress. */
  async list(res: ServerResponse): Promise<void> {
    const found: { bucket: string; key: string; time: number }[] = [];
    for (const bucket of this.names) {
      for await (const object of this.rt.bucket(bucket).list({ prefix: RUNS_PREFIX })) {
        if (PROGRESS_KEY.test(object.key)) found.push({ bucket, key: object.key, time: object.lastModified.getTime() });
      }
    }
    found.sort((a, b) => b.time - a.time);
    const runs: ProgressView[] = [];
    for (const { bucket, key } of found.slice(0, MAX_RUNS)) {
      const progress = await this.read(bucket, key);
      if (progress) runs.push({ bucket, progress });
    }
    sendJson(res, 200, { runs });
  }

  /** Every storage event of the app's buckets passes here; progress writes are pushed to listening consoles. */
  onStorageEvent(event: StorageEvent): void {
    if (event.kind !== 'created' || this.events.listeners === 0 || !PROGRESS_KEY.test(event.key) || !this.names.includes(event.bucket)) return;
    const id = `${event.bucket}\0${event.key}`;
    if (this.reading.has(id)) {
      this.reading.set(id, true);
      return;
    }
    this.reading.set(id, false);
    void this.push(event.bucket, event.key, id);
  }

  private async push(bucket: string, key: string, id: string): Promise<void> {
    try {
      const progress = await this.read(bucket, key);
      if (progress) this.events.broadcast('training', { bucket, progress } satisfies ProgressView);
    } catch {
      // Gone or unreadable: the next write is pushed.
    }
    const again = this.reading.get(id);
    this.reading.delete(id);
    if (again) this.onStorageEvent({ kind: 'created', bucket, key } as StorageEvent);
  }

  private async read(bucket: string, key: string): Promise<TrainingProgress | undefined> {
    try {
      const object = await this.rt.bucket(bucket).get(key);
      if (object.size > MAX_PROGRESS_BYTES) return undefined;
      const doc = JSON.parse(new TextDecoder().decode(object.body)) as Partial<TrainingProgress>;
      return doc.format === 'polyfaas.train-progress/v1' ? (doc as TrainingProgress) : undefined;
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound') || err instanceof SyntaxError) return undefined;
      throw err;
    }
  }
}
