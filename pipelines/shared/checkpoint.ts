import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Bucket } from '../../src/index.js';
import { isPolyfaasError, PolyfaasError } from '../../src/index.js';

/** Where training stands: enough to continue exactly where it stopped. */
export interface TrainingPosition {
  epoch: number;
  /** Batches of `epoch` already applied. */
  batch: number;
  /** Optimizer steps applied in total. */
  step: number;
}

/** One entry of the loss/accuracy history, per epoch. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

/** What a checkpoint's `state.json` holds. */
export interface CheckpointState {
  format: 1;
  position: TrainingPosition;
  history: EpochRecord[];
  /** Running sums for the epoch in progress, so its metrics survive a restart. */
  partial: { loss: number; correct: number; seen: number; seconds: number };
  blobKey: string;
  blobSha256: string;
  tensors: TensorSpec[];
  updatedAt: string;
  /** Opaque caller data (e.g. the config hash). */
  meta: Record<string, unknown>;
}

/** Where one tensor sits in a checkpoint's blob (offset and length in floats). */
export interface TensorSpec {
  /** `momentum`: a data-parallel round model's server momentum (see weight-average.ts); never loaded into a model. */
  group: 'model' | 'optimizer' | 'momentum';
  name: string;
  shape: number[];
  offset: number;
  length: number;
}

/** A model's weights and optimizer state as one float32 blob and the layout of its tensors. */
export interface WeightSnapshot {
  tensors: TensorSpec[];
  /** The float32 values of every tensor, back to back, as bytes. */
  blob: Uint8Array;
}

/**
 * Copy every weight of `model` (trainable or not, so batch-norm moving
 * statistics too) and of its optimizer into one blob.
 */
export async function snapshotWeights(model: tfl.LayersModel): Promise<WeightSnapshot> {
  const modelWeights = model.getWeights();
  const optimizerWeights = model.optimizer ? await model.optimizer.getWeights() : [];
  const named = [
    ...modelWeights.map((t, i) => ({ group: 'model' as const, name: `w${i}`, tensor: t })),
    ...optimizerWeights.map((w) => ({ group: 'optimizer' as const, name: w.name, tensor: w.tensor })),
  ];
  const tensors: TensorSpec[] = [];
  const parts: Float32Array[] = [];
  let offset = 0;
  for (const { group, name, tensor } of named) {
    const data = (await tensor.data()) as Float32Array;
    tensors.push({ group, name, shape: tensor.shape, offset, length: data.length });
    parts.push(data);
    offset += data.length;
  }
  // The iterations scalar from getWeights() is a fresh tensor; model weights are the live variables.
  for (const w of optimizerWeights) if (w.name === 'iter') w.tensor.dispose();
  const blob = new Uint8Array(offset * 4);
  const view = new Float32Array(blob.buffer);
  let at = 0;
  for (const part of parts) {
    view.set(part, at);
    at += part.length;
  }
  return { tensors, blob };
}

/** The float32 view of a blob's bytes (copied when they are not 4-byte aligned). */
export function blobFloats(body: Uint8Array): Float32Array {
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

/**
 * Load a {@link snapshotWeights} blob into `model` (built with the same
 * architecture). Without optimizer tensors in `tensors`, the optimizer keeps
 * its state (a fresh one starts from zero moments).
 */
export async function loadWeights(model: tfl.LayersModel, tensors: readonly TensorSpec[], floats: Float32Array): Promise<void> {
  const take = (spec: TensorSpec) => tf.tensor(floats.subarray(spec.offset, spec.offset + spec.length), spec.shape);
  const weights = tensors.filter((t) => t.group === 'model').map(take);
  model.setWeights(weights);
  tf.dispose(weights);
  const optimizerSpecs = tensors.filter((t) => t.group === 'optimizer');
  if (model.optimizer && optimizerSpecs.length) {
    const named = optimizerSpecs.map((s) => ({ name: s.name, tensor: take(s) }));
    // setWeights replaces the moment variables without freeing the old ones; free them first.
    tf.dispose((await model.optimizer.getWeights()).map((w) => w.tensor));
    // setWeights makes variables sharing these tensors' data, so ours can go.
    await model.optimizer.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }
}

/** A checkpoint read back: its state and the etag to compare-and-swap against. */
export interface LoadedCheckpoint {
  state: CheckpointState;
  etag: string;
}

/**
 * Saves and restores model weights + optimizer state + position under one
 * prefix. The blob is written first under a fresh key and `state.json` last
 * with compare-and-swap, so a process killed at any instant leaves the
 * previous checkpoint intact, and two trainers cannot both advance one run.
 */
export class Checkpointer {
  /** The state object's etag and blob as last read or written by this checkpointer. */
  private current: { etag: string; blobKey: string } | undefined;

  constructor(
    private readonly bucket: Bucket,
    private readonly prefix: string,
  ) {}

  private get stateKey(): string {
    return `${this.prefix}state.json`;
  }

  /** Read the latest checkpoint, or undefined if none. Verifies the blob later, on restore. */
  async read(): Promise<LoadedCheckpoint | undefined> {
    try {
      const obj = await this.bucket.get(this.stateKey);
      const state = JSON.parse(new TextDecoder().decode(obj.body)) as CheckpointState;
      this.current = { etag: obj.etag, blobKey: state.blobKey };
      return { state, etag: obj.etag };
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** Write a checkpoint. `PreconditionFailed` means another trainer moved the run on: stop. */
  async save(
    model: tfl.LayersModel,
    fields: Omit<CheckpointState, 'format' | 'blobKey' | 'blobSha256' | 'tensors' | 'updatedAt'>,
  ): Promise<void> {
    await this.saveSnapshot(await snapshotWeights(model), fields);
  }

  /**
   * Write a checkpoint from a snapshot already taken (e.g. weights averaged
   * outside any model). The first save under a prefix is write-if-absent:
   * `PreconditionFailed`/`AlreadyExists` then means one is there already.
   */
  async saveSnapshot(
    snapshot: WeightSnapshot,
    fields: Omit<CheckpointState, 'format' | 'blobKey' | 'blobSha256' | 'tensors' | 'updatedAt'>,
  ): Promise<void> {
    const { tensors, blob } = snapshot;
    const blobKey = `${this.prefix}blob-${String(fields.position.step).padStart(9, '0')}-${crypto.randomUUID().slice(0, 8)}.bin`;
    await this.bucket.put(blobKey, blob, { contentType: 'application/octet-stream' });
    const state: CheckpointState = {
      format: 1,
      ...fields,
      blobKey,
      blobSha256: createHash('sha256').update(blob).digest('hex'),
      tensors,
      updatedAt: new Date().toISOString(),
    };
    const previous = this.current;
    const info = await this.bucket
      .put(this.stateKey, JSON.stringify(state), {
        contentType: 'application/json',
        ...(previous ? { ifMatch: previous.etag } : { ifNoneMatch: '*' as const }),
      })
      .catch(async (err: unknown) => {
        await this.bucket.delete(blobKey);
        throw err;
      });
    this.current = { etag: info.etag, blobKey };
    if (previous) await this.bucket.delete(previous.blobKey);
  }

  /** Load the checkpoint's weights and optimizer state into `model` (built with the same architecture). */
  async restore(model: tfl.LayersModel, state: CheckpointState): Promise<void> {
    await loadWeights(model, state.tensors, await this.readFloats(state));
  }

  /** The checkpoint's blob as floats, its SHA-256 checked (for callers that combine weights without a model). */
  async readFloats(state: Pick<CheckpointState, 'blobKey' | 'blobSha256'>): Promise<Float32Array> {
    const obj = await this.bucket.get(state.blobKey);
    const digest = createHash('sha256').update(obj.body).digest('hex');
    if (digest !== state.blobSha256) {
      throw new PolyfaasError('DataLoss', `Checkpoint ${state.blobKey} is corrupt (sha256 mismatch)`, {
        details: { expected: state.blobSha256, actual: digest },
      });
    }
    return blobFloats(obj.body);
  }

  /** Remove every object of this checkpoint (after the run finished). */
  async clear(): Promise<void> {
    for await (const obj of this.bucket.list({ prefix: this.prefix })) await this.bucket.delete(obj.key);
    this.current = undefined;
  }
}
