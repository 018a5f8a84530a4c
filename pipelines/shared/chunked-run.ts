import type { Bucket, Logger } from '../../src/index.js';
import { isPolyfaasError, mapLimit, PolyfaasError } from '../../src/index.js';
import { putIfAbsent } from './put-if-absent.js';
import { readJsonIfExists } from './read-json.js';

/**
 * A job cut into chunks chained through storage, for any pipeline: the
 * planning writes one job object per chunk (each triggers an invocation),
 * every chunk records its part in a done marker written if absent, and the
 * chunk that sees every marker merges the parts and writes the result by
 * compare-and-swap, unless a newer planning made another run current.
 */

/** Bucket requests in flight while writing or reading a run's chunk objects. */
const IO_CONCURRENCY = 16;

/** `chunk-NNNNN.json`: zero-padded so a listing is in chunk order. */
export function chunkFileName(index: number): string {
  return `chunk-${String(index).padStart(5, '0')}.json`;
}

/** Items per chunk: `chunkSize` rounded up to whole shards, so chunks cut a split where one invocation cuts shards. */
export function chunkItems(chunkSize: number, perShard: number): number {
  if (!(Number.isInteger(chunkSize) && chunkSize > 0)) throw new PolyfaasError('InvalidArgument', `chunkSize must be a positive integer, got ${chunkSize}`);
  return Math.ceil(chunkSize / perShard) * perShard;
}

/** Where a split chunk job says it belongs (its dataset, split, run, index and offset), with the types a job reader needs. */
export function hasChunkPlace(job: { dataset?: unknown; split?: unknown; runId?: unknown; index?: unknown; offset?: unknown }): boolean {
  return typeof job.dataset === 'string' && typeof job.split === 'string' && typeof job.runId === 'string' && Number.isInteger(job.index) && Number.isInteger(job.offset);
}

/** Where a run's chunk objects live. */
export interface ChunkRunKeys {
  /** Key of chunk `index`'s job (its write triggers the chunk invocation). */
  jobKey(index: number): string;
  /** Prefix under which the run's done markers, and nothing else, are listed. */
  readonly donePrefix: string;
  /** Key of chunk `index`'s done marker, under `donePrefix`. */
  doneKey(index: number): string;
  /** Key of the `{ runId }` pointer naming the current run of what the chunks build. */
  readonly currentRunKey: string;
}

/**
 * Write a run's chunk jobs with write-if-absent. One that already exists is
 * written again only if its chunk has no done marker, which fires it again:
 * a chunk that died after its retries is retried by planning again, and one
 * that finished is not.
 *
 * @returns how many job objects this call wrote.
 */
export async function writeChunkJobs(bucket: Bucket, keys: ChunkRunKeys, chunks: number, body: (index: number) => string, signal?: AbortSignal): Promise<number> {
  const indices = Array.from({ length: chunks }, (_, i) => i);
  const written = await mapLimit(
    indices,
    IO_CONCURRENCY,
    async (index) => {
      const key = keys.jobKey(index);
      const json = body(index);
      if (await putIfAbsent(bucket, key, json, { contentType: 'application/json' })) return true;
      if (await bucket.exists(keys.doneKey(index))) return false;
      await bucket.put(key, json, { contentType: 'application/json' });
      return true;
    },
    signal,
  );
  return written.filter(Boolean).length;
}

/** Record `runId` as the current run (see {@link ChunkRunKeys.currentRunKey}); every planning does, so overtaken runs leave the result alone. */
export async function markCurrentRun(bucket: Bucket, keys: Pick<ChunkRunKeys, 'currentRunKey'>, runId: string): Promise<void> {
  await bucket.put(keys.currentRunKey, JSON.stringify({ runId }), { contentType: 'application/json' });
}

/**
 * Build a chunk's part once: a done marker already there is returned as is
 * (a duplicate delivery builds nothing), otherwise `build` runs and its part
 * is written with write-if-absent.
 */
export async function recordChunk<P>(bucket: Bucket, doneKey: string, build: () => Promise<P>): Promise<{ part: P; built: boolean }> {
  const existing = await readJsonIfExists<P>(bucket, doneKey);
  if (existing !== undefined) return { part: existing, built: false };
  const part = await build();
  await putIfAbsent(bucket, doneKey, JSON.stringify(part), { contentType: 'application/json' });
  return { part, built: true };
}

/**
 * What became of the result after a chunk: other chunks still running, written now, written before, a newer run
 * took over, or (with {@link FinishChunkRunOptions.claim}) another finisher holds the claim and acts instead.
 */
export type ChunkManifestState = 'waiting' | 'written' | 'up-to-date' | 'superseded' | 'claimed';

/** How {@link finishChunkRun} checks and writes a run's result. */
export interface FinishChunkRunOptions<P> {
  readonly bucket: Bucket;
  readonly keys: Pick<ChunkRunKeys, 'donePrefix' | 'doneKey' | 'currentRunKey'>;
  readonly runId: string;
  readonly chunks: number;
  /** True when the result this run would write is already there. */
  isWritten(): Promise<boolean>;
  /** Whether a done marker read back belongs to this run. */
  isPart(part: P, index: number): boolean;
  /** Write the result from the parts in chunk order, by compare-and-swap; false when an equal result landed first. */
  write(parts: readonly P[]): Promise<boolean>;
  /**
   * Optional: make this finisher the only one that acts once every marker is
   * there (e.g. a write-if-absent claim naming it). False: another one holds
   * the claim, and this call returns `claimed` without reading or writing.
   */
  claim?(): Promise<boolean>;
  readonly log?: Logger;
}

/**
 * The last finisher's step. Listing is strongly consistent on S3, GCS, Azure
 * Blob and the local and memory buckets, and every chunk lists after writing
 * its own marker, so the chunk that completes the set always sees it; two
 * finishers seeing it at once write the same bytes and the compare-and-swap
 * lets one through — or, with a `claim`, only one of them gets that far.
 */
export async function finishChunkRun<P>(options: FinishChunkRunOptions<P>): Promise<ChunkManifestState> {
  const { bucket, keys, runId, log } = options;
  let markers = 0;
  for await (const info of bucket.list({ prefix: keys.donePrefix })) if (info.key.endsWith('.json')) markers++;
  if (markers < options.chunks) return 'waiting';
  if (options.claim && !(await options.claim())) return 'claimed';
  if (await options.isWritten()) return 'up-to-date';
  const current = await readJsonIfExists<{ runId?: string }>(bucket, keys.currentRunKey);
  if (current !== undefined && current.runId !== runId) {
    log?.warn('a newer upload superseded this run; its result is not written', { runId });
    return 'superseded';
  }
  const indices = Array.from({ length: options.chunks }, (_, i) => i);
  const parts = await mapLimit(indices, IO_CONCURRENCY, async (index) => {
    const part = await readJsonIfExists<P>(bucket, keys.doneKey(index));
    if (part === undefined || !options.isPart(part, index)) throw new PolyfaasError('DataLoss', `Chunk ${index} of run ${runId} has no usable done marker`);
    return part;
  });
  return (await options.write(parts)) ? 'written' : 'up-to-date';
}

/**
 * `put` as a compare-and-swap on the object read before (`previousEtag`, or
 * none), so two runs cannot silently clobber each other. Losing to an equal
 * result (`sameResult` on what is there now) is success; losing to another is
 * `Unavailable`, and the event is retried against the new state.
 *
 * @returns true when this call wrote it, false when an equal result had been written.
 */
export async function putIfUnchanged(bucket: Bucket, key: string, body: string, previousEtag: string | undefined, sameResult: () => Promise<boolean>): Promise<boolean> {
  try {
    await bucket.put(key, body, { contentType: 'application/json', ...(previousEtag ? { ifMatch: previousEtag } : { ifNoneMatch: '*' }) });
    return true;
  } catch (err) {
    if (!isPolyfaasError(err, 'PreconditionFailed', 'AlreadyExists')) throw err;
    if (await sameResult()) return false;
    throw new PolyfaasError('Unavailable', `${key} changed while it was being built; retry`, { cause: err });
  }
}
