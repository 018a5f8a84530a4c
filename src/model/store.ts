/**
 * Versioned model storage on any {@link Bucket}.
 *
 * ## Storage layout
 *
 * ```text
 * <prefix><name>/versions/<version>/model.json     topology + weightsManifest (standard tfjs format)
 * <prefix><name>/versions/<version>/weights.bin    all weights, concatenated
 * <prefix><name>/versions/<version>/manifest.json  SHA-256 + size of each file, metadata; written LAST
 * <prefix><name>/aliases/<alias>.json              { version, previous, updatedAt, history }
 * ```
 *
 * - `<prefix>` defaults to `models/`; `<version>` looks like
 *   `20261127T034512123Z-a1b2c3` (UTC creation time + random suffix), so versions
 *   sort by time as plain strings.
 * - A version exists exactly when its `manifest.json` does. Save writes the
 *   manifest last and delete removes it first, so readers never see a
 *   half-written or half-deleted version; files without a manifest are ignored.
 * - Every version file is written with `ifNoneMatch: '*'`: a version can never
 *   be overwritten, only deleted.
 * - `load` checks each file's size and SHA-256 against the manifest before
 *   tfjs deserialises anything; a mismatch fails with `DataLoss` and
 *   `details: { file, expected, actual }`.
 * - Aliases move by compare-and-swap (`ifMatch` on the alias object's etag),
 *   so concurrent promotions are all applied in some order and recorded in the
 *   alias's `history`.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { isPolyfaasError, PolyfaasError, toPolyfaasError } from '../errors.js';
import { mapLimit } from '../map-limit.js';
import type { Bucket } from '../storage/types.js';
import { moveAlias, readAlias, type AliasInfo } from './aliases.js';
import { bucketIOHandler } from './bucket-io.js';
import { ModelLayout, MANIFEST_JSON } from './layout.js';
import { decodeManifest, encodeManifest, MODEL_FORMAT_VERSION, type ModelVersionInfo } from './manifest.js';
import { resolveSaveOptions, type SaveModelOptions } from './save-options.js';
import { assertName, assertVersionId, isVersionId, newVersionId } from './version-id.js';

/** Options for {@link ModelStore}. */
export interface ModelStoreOptions {
  /** Folder in the bucket holding all models. Default `models/`. */
  prefix?: string;
  /** Clock for version ids and timestamps; tests pin it. Default: the current time. */
  now?: () => Date;
  /** Compare-and-swap attempts per promotion. Default 10: up to 10 concurrent promoters always succeed. */
  promoteAttempts?: number;
}

/** Which version {@link ModelStore.load} reads: an exact version or whatever an alias points to. */
export type ModelSelector = { readonly version: string } | { readonly alias: string };

/** What {@link ModelStore.load} returns. The caller owns `model` and must `dispose()` it. */
export interface LoadedModel {
  readonly model: tfl.LayersModel;
  readonly info: ModelVersionInfo;
  /** The alias as it was read, when loading by alias; its etag tells whether it moved since. */
  readonly alias?: AliasInfo;
}

/** Parallel manifest reads while listing: enough to hide latency, few enough not to be throttled. */
const LIST_CONCURRENCY = 8;

/**
 * Saves, versions, verifies and promotes TensorFlow.js Layers models in any
 * bucket (memory, local directory, S3, GCS, Azure). See the module docs for
 * the storage layout.
 *
 * @example Train, save, promote; serve elsewhere
 * ```ts
 * const store = new ModelStore(bucket);
 * const info = await store.save('mnist', model, { labels: ['0', '1', …], metrics: { accuracy: 0.98 } });
 * await store.promote('mnist', info.version, 'production');
 *
 * const { model: served, info: loaded } = await store.load('mnist', { alias: 'production' });
 * ```
 */
export class ModelStore {
  /** The bucket the models live in. */
  readonly bucket: Bucket;
  /** Key layout under the store's prefix. */
  readonly layout: ModelLayout;
  private readonly now: () => Date;
  private readonly promoteAttempts: number;

  constructor(bucket: Bucket, options: ModelStoreOptions = {}) {
    this.bucket = bucket;
    this.layout = new ModelLayout(options.prefix ?? 'models/');
    this.now = options.now ?? (() => new Date());
    this.promoteAttempts = options.promoteAttempts ?? 10;
  }

  /**
   * Save `model` as a new immutable version of `name` and return its manifest.
   *
   * The input shape is taken from the model (its first input, minus the batch
   * dimension) unless given; it must be fully known because predictors
   * validate requests and warm up against it. If anything fails part-way, the
   * files written so far are removed (best effort); leftovers without a
   * manifest are invisible anyway.
   *
   * @throws `InvalidArgument` for a bad name, labels that do not match the output size, non-finite metrics, …
   */
  async save(name: string, model: tfl.LayersModel, options: SaveModelOptions = {}): Promise<ModelVersionInfo> {
    assertName('model', name);
    const resolved = resolveSaveOptions(model, options);
    const createdAt = this.now();
    const version = newVersionId(createdAt);
    const folder = this.layout.versionFolder(name, version);
    const io = bucketIOHandler(this.bucket, folder);
    try {
      await model.save(io);
      const info: ModelVersionInfo = {
        formatVersion: MODEL_FORMAT_VERSION,
        name,
        version,
        createdAt: createdAt.toISOString(),
        ...resolved,
        framework: { tfjsCore: tf.version_core, tfjsLayers: tfl.version_layers },
        backend: tf.getBackend(),
        files: [...io.written],
      };
      await this.bucket.put(folder + MANIFEST_JSON, encodeManifest(info), { contentType: 'application/json', ifNoneMatch: '*' });
      return info;
    } catch (err) {
      await Promise.allSettled(io.written.map((f) => this.bucket.delete(folder + f.path)));
      throw toPolyfaasError(err, `Saving model ${name} failed`);
    }
  }

  /**
   * Load a version (or the one an alias points to), verifying every file's
   * size and SHA-256 against the manifest before deserialising.
   *
   * @throws `NotFound` if the version (or alias) does not exist, including half-written versions.
   * @throws `DataLoss` with `details: { file, expected, actual }` if a file was corrupted or replaced.
   *
   * @example
   * ```ts
   * const { model, info } = await store.load('mnist', { alias: 'production' });
   * const { model: exact } = await store.load('mnist', { version: '20261127T034512123Z-a1b2c3' });
   * ```
   */
  async load(name: string, selector: ModelSelector): Promise<LoadedModel> {
    assertName('model', name);
    const alias = 'alias' in selector ? await this.resolveAlias(name, selector.alias) : undefined;
    const version = alias ? alias.version : (selector as { version: string }).version;
    const info = await this.info(name, version);
    const io = bucketIOHandler(this.bucket, this.layout.versionFolder(name, version), { expectedFiles: info.files });
    let model: tfl.LayersModel;
    try {
      model = await tfl.loadLayersModel(io);
    } catch (err) {
      throw toPolyfaasError(err, `Loading model ${name} version ${version} failed`);
    }
    return alias ? { model, info, alias } : { model, info };
  }

  /**
   * The manifest of one version.
   *
   * @throws `NotFound` if the version has no manifest (absent, half-written or being deleted).
   */
  async info(name: string, version: string): Promise<ModelVersionInfo> {
    assertName('model', name);
    assertVersionId(version);
    const key = this.layout.manifestKey(name, version);
    try {
      const { body } = await this.bucket.get(key);
      return decodeManifest(body, key);
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) {
        throw new PolyfaasError('NotFound', `Model ${name} has no version ${version}`, { cause: err, details: { name, version } });
      }
      throw err;
    }
  }

  /** Every complete version of `name`, oldest first. Versions without a manifest are skipped. */
  async list(name: string): Promise<ModelVersionInfo[]> {
    assertName('model', name);
    const folder = this.layout.versionsFolder(name);
    const versions: string[] = [];
    for await (const object of this.bucket.list({ prefix: folder })) {
      const [version, file, ...rest] = object.key.slice(folder.length).split('/');
      if (file === MANIFEST_JSON && rest.length === 0 && isVersionId(version)) versions.push(version);
    }
    const infos = await mapLimit(versions, LIST_CONCURRENCY, async (version) => {
      try {
        return await this.info(name, version);
      } catch (err) {
        // Deleted between listing and reading: it no longer exists, so leave it out.
        if (isPolyfaasError(err, 'NotFound')) return undefined;
        throw err;
      }
    });
    return infos
      .filter((i): i is ModelVersionInfo => i !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.version.localeCompare(b.version));
  }

  /**
   * Point `alias` at `version` (compare-and-swap, retried on conflict). The
   * alias keeps `previous` and a bounded `history`, so rolling back is
   * `promote(name, alias.previous, alias)`.
   *
   * @throws `NotFound` if the version does not exist.
   * @throws `PreconditionFailed` if the alias kept changing for `promoteAttempts` attempts.
   *
   * @example
   * ```ts
   * const info = await store.save('mnist', model);
   * await store.promote('mnist', info.version, 'production');
   * ```
   */
  async promote(name: string, version: string, alias: string): Promise<AliasInfo> {
    assertName('model', name);
    assertName('alias', alias);
    await this.info(name, version);
    return moveAlias(this.bucket, this.layout.aliasKey(name, alias), alias, version, {
      attempts: this.promoteAttempts,
      now: this.now,
    });
  }

  /**
   * The version an alias points to, with the alias object's etag.
   *
   * @throws `NotFound` if the alias does not exist.
   */
  async resolveAlias(name: string, alias: string): Promise<AliasInfo> {
    assertName('model', name);
    assertName('alias', alias);
    const found = await readAlias(this.bucket, this.layout.aliasKey(name, alias), alias);
    if (!found) throw new PolyfaasError('NotFound', `Model ${name} has no alias ${alias}`, { details: { name, alias } });
    return found;
  }

  /**
   * The alias object's etag, or `undefined` if the alias does not exist. One
   * `head` request: the cheap way for a server to notice a promotion.
   */
  async aliasEtag(name: string, alias: string): Promise<string | undefined> {
    assertName('model', name);
    assertName('alias', alias);
    try {
      return (await this.bucket.head(this.layout.aliasKey(name, alias))).etag;
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  /** Every alias of `name`, sorted by alias name. */
  async aliases(name: string): Promise<AliasInfo[]> {
    assertName('model', name);
    const folder = this.layout.aliasesFolder(name);
    const names: string[] = [];
    for await (const object of this.bucket.list({ prefix: folder })) {
      const rest = object.key.slice(folder.length);
      if (!rest.includes('/') && rest.endsWith('.json')) names.push(rest.slice(0, -'.json'.length));
    }
    const found = await mapLimit(names, LIST_CONCURRENCY, (alias) => readAlias(this.bucket, folder + `${alias}.json`, alias));
    return found.filter((a): a is AliasInfo => a !== undefined).sort((a, b) => a.alias.localeCompare(b.alias));
  }

  /**
   * Delete one version: its manifest first (so it disappears atomically for
   * readers), then exactly the files the manifest lists.
   *
   * Not atomic with {@link promote}: a promotion racing a delete of the same
   * version can leave an alias pointing at a deleted version, which then
   * loads as `NotFound` until the alias is moved.
   *
   * @throws `NotFound` if the version does not exist.
   * @throws `PreconditionFailed` with `details.aliases` if an alias points to it.
   */
  async delete(name: string, version: string): Promise<void> {
    const info = await this.info(name, version);
    const protecting = (await this.aliases(name)).filter((a) => a.version === version).map((a) => a.alias);
    if (protecting.length > 0) {
      throw new PolyfaasError('PreconditionFailed', `Model ${name} version ${version} is aliased as ${protecting.join(', ')}; move the alias first`, {
        details: { name, version, aliases: protecting },
      });
    }
    const folder = this.layout.versionFolder(name, version);
    await this.bucket.delete(folder + MANIFEST_JSON);
    await Promise.all(info.files.map((f) => this.bucket.delete(folder + f.path)));
  }
}
