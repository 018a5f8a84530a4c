/**
 * Versioned model storage on any {@link Bucket}.
 *
 * ## Storage layout
 *
 * ```text
 * <prefix><name>/versions/<version>/model.json     topology + weightsManifest (standard tfjs format)
 * <prefix><name>/versions/<version>/weights.bin    all weights, concatenated
 * <prefix><name>/versions/<version>/model.onnx     instead of the two above, for imported ONNX models (`format: 'onnx'`)
 * <prefix><name>/versions/<version>/model.sig      signature over manifest.json and every file (when a signing key is set)
 * <prefix><name>/versions/<version>/manifest.json  SHA-256 + size of each file, metadata; written LAST
 * <prefix><name>/aliases/<alias>.json              { version, previous, updatedAt, history, sequence?, signature? }
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
 * - With a signing key, `model.sig` (OpenSSF model-signing layout, see
 *   `signing-bundle.ts`) is written before the manifest, and each alias
 *   record carries a signature over model, alias, version and a monotonic
 *   sequence. With verify keys, `load`, `resolveAlias` and `promote` refuse
 *   unsigned, unknown-key, tampered or rolled-back records with `Forbidden`
 *   (`details.reason`) — see `signing-policy.ts` and docs/security.md.
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
import { decodeManifest, describeFile, encodeManifest, formatOf, LAYERS_FORMAT_VERSION, MODEL_FORMAT_VERSION, verifyFile, type JsonValue, type ModelFileEntry, type ModelFormat, type ModelVersionInfo } from './manifest.js';
import { resolveSaveOptions, type SaveModelOptions } from './save-options.js';
import { signAlias, verifyAlias } from './signing-alias.js';
import { MODEL_SIGNATURE_FILE } from './signing-bundle.js';
import { untrusted } from './signing-dsse.js';
import { modelSigningFromEnv, ModelTrust, type ModelSigningOptions } from './signing-policy.js';
import { checkVersion, readVersionSignature, versionSignature } from './signing-version.js';
import { assertName, assertVersionId, isVersionId, newVersionId } from './version-id.js';

/** Options for {@link ModelStore}. */
export interface ModelStoreOptions {
  /** Folder in the bucket holding all models. Default `models/`. */
  prefix?: string;
  /** Clock for version ids and timestamps; tests pin it. Default: the current time. */
  now?: () => Date;
  /** Compare-and-swap attempts per promotion. Default 10: up to 10 concurrent promoters always succeed. */
  promoteAttempts?: number;
  /**
   * Signing keys and policy. Default: read from the environment
   * (`POLYFAAS_MODEL_SIGNING_KEY`, `POLYFAAS_MODEL_VERIFY_KEYS`,
   * `POLYFAAS_MODEL_REQUIRE_SIGNATURE`); `false` ignores the environment and
   * neither signs nor verifies.
   */
  signing?: ModelSigningOptions | false;
}

/** Which version {@link ModelStore.load} reads: an exact version or whatever an alias points to. */
export type ModelSelector = { readonly version: string } | { readonly alias: string };

/** What {@link ModelStore.load} returns. The caller owns `model` and must `dispose()` it. */
export interface LoadedModel {
  readonly model: tfl.LayersModel;
  readonly info: ModelVersionInfo;
  /** The alias as it was read, when loading by alias; its etag tells whether it moved since. */
  readonly alias?: AliasInfo;
  /** Key id of the signature that verified, when the store verifies and the version is signed. */
  readonly signedBy?: string;
}

/** A version ready to load, from {@link ModelStore.open}: manifest checked (and signature, when the store verifies). */
export interface OpenedVersion {
  readonly info: ModelVersionInfo;
  /** The alias as it was read, when opening by alias. */
  readonly alias?: AliasInfo;
  /** Key id of the signature that verified, when the store verifies and the version is signed. */
  readonly signedBy?: string;
  /** A tfjs IOHandler over the version's files, each checked against the manifest as it is read. */
  ioHandler(): tf.io.IOHandler;
  /** One file's bytes, checked against the manifest (`DataLoss` otherwise). */
  readFile(path: string): Promise<Uint8Array>;
}

/** One file for {@link ModelStore.saveFiles}. */
export interface StoredFile {
  /** File name inside the version folder, e.g. `model.onnx`. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Default `application/octet-stream`. */
  readonly contentType?: string;
}

/** Manifest fields {@link ModelStore.saveFiles} records (checked by the caller against the model). */
export interface StoredFileFields {
  readonly format: ModelFormat;
  readonly inputShape: readonly number[];
  readonly labels: readonly string[];
  readonly metrics: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, JsonValue>>;
  readonly channelsFirst?: boolean;
}

/** What {@link ModelStore.verify} returns. */
export interface VerifiedVersion {
  readonly info: ModelVersionInfo;
  /** Key id of the signature that verified. */
  readonly signedBy: string;
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
  /** Signing keys, policy and the alias high-water marks of this instance. */
  readonly trust: ModelTrust;

  /** @throws `InvalidArgument` if a signing variable in the environment is malformed. */
  constructor(bucket: Bucket, options: ModelStoreOptions = {}) {
    this.bucket = bucket;
    this.layout = new ModelLayout(options.prefix ?? 'models/');
    this.now = options.now ?? (() => new Date());
    this.promoteAttempts = options.promoteAttempts ?? 10;
    this.trust = new ModelTrust(options.signing === false ? {} : (options.signing ?? modelSigningFromEnv()));
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
    } catch (err) {
      await this.removeFiles(folder, io.written.map((f) => f.path));
      throw toPolyfaasError(err, `Saving model ${name} failed`);
    }
    return this.commit(name, version, createdAt, io.written, { formatVersion: LAYERS_FORMAT_VERSION, ...resolved });
  }

  /**
   * Store ready-made model files as a new immutable version: what
   * `importModel` uses for ONNX and tfjs graph models. The caller has checked
   * that the files load and that `inputShape` and `labels` fit them; like
   * {@link save}, the version is signed when the store has a signing key and
   * becomes visible only once its manifest is written.
   *
   * @throws `InvalidArgument` for a bad name, a file name outside `[A-Za-z0-9._-]` or a repeated one.
   */
  async saveFiles(name: string, files: readonly StoredFile[], fields: StoredFileFields): Promise<ModelVersionInfo> {
    assertName('model', name);
    const paths = files.map((f) => f.path);
    const badPath = paths.find((p, i) => !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p) || p === MANIFEST_JSON || p === MODEL_SIGNATURE_FILE || paths.indexOf(p) !== i);
    if (badPath !== undefined) throw new PolyfaasError('InvalidArgument', `Model file name ${JSON.stringify(badPath.slice(0, 80))} is not allowed (or repeated)`);
    const createdAt = this.now();
    const version = newVersionId(createdAt);
    const folder = this.layout.versionFolder(name, version);
    const written: ModelFileEntry[] = [];
    try {
      for (const file of files) {
        await this.bucket.put(folder + file.path, file.bytes, { contentType: file.contentType ?? 'application/octet-stream', ifNoneMatch: '*' });
        written.push(describeFile(file.path, file.bytes));
      }
    } catch (err) {
      await this.removeFiles(folder, written.map((f) => f.path));
      throw toPolyfaasError(err, `Saving model ${name} failed`);
    }
    const { format, channelsFirst, ...rest } = fields;
    return this.commit(name, version, createdAt, written, {
      formatVersion: format === 'tfjs-layers' ? LAYERS_FORMAT_VERSION : MODEL_FORMAT_VERSION,
      ...rest,
      format,
      ...(channelsFirst ? { channelsFirst } : {}),
    });
  }

  /** Sign (with a signing key) and write the manifest of files already written; on failure remove them. */
  private async commit(
    name: string,
    version: string,
    createdAt: Date,
    files: readonly ModelFileEntry[],
    fields: Omit<ModelVersionInfo, 'name' | 'version' | 'createdAt' | 'framework' | 'backend' | 'files'>,
  ): Promise<ModelVersionInfo> {
    const folder = this.layout.versionFolder(name, version);
    const extra: string[] = [];
    try {
      const { formatVersion, ...rest } = fields;
      const info: ModelVersionInfo = {
        formatVersion,
        name,
        version,
        createdAt: createdAt.toISOString(),
        ...rest,
        framework: { tfjsCore: tf.version_core, tfjsLayers: tfl.version_layers },
        backend: tf.getBackend(),
        files: [...files],
      };
      const manifest = encodeManifest(info);
      const key = this.trust.signingKey;
      if (key) {
        // Before the manifest: a version is never visible unsigned.
        extra.push(MODEL_SIGNATURE_FILE);
        await this.bucket.put(folder + MODEL_SIGNATURE_FILE, versionSignature(key, name, version, manifest, info.files), {
          contentType: 'application/json',
          ifNoneMatch: '*',
        });
      }
      await this.bucket.put(folder + MANIFEST_JSON, manifest, { contentType: 'application/json', ifNoneMatch: '*' });
      return info;
    } catch (err) {
      await this.removeFiles(folder, [...files.map((f) => f.path), ...extra]);
      throw toPolyfaasError(err, `Saving model ${name} failed`);
    }
  }

  /** Best effort: leftovers without a manifest are invisible anyway. */
  private async removeFiles(folder: string, paths: readonly string[]): Promise<void> {
    await Promise.allSettled(paths.map((path) => this.bucket.delete(folder + path)));
  }

  /**
   * Load a version (or the one an alias points to), verifying every file's
   * size and SHA-256 against the manifest before deserialising.
   *
   * @throws `NotFound` if the version (or alias) does not exist, including half-written versions.
   * @throws `DataLoss` with `details: { file, expected, actual }` if a file was corrupted or replaced.
   * @throws `Forbidden` with `details.reason` when the store verifies signatures and the version or alias
   *   is unsigned (and signatures are required), signed by an unknown key, altered since signing, or an older alias record.
   * @throws `PreconditionFailed` with `details.format` for an imported ONNX or graph version (serve those with `Predictor`).
   *
   * @example
   * ```ts
   * const { model, info } = await store.load('mnist', { alias: 'production' });
   * const { model: exact } = await store.load('mnist', { version: '20261127T034512123Z-a1b2c3' });
   * ```
   */
  async load(name: string, selector: ModelSelector): Promise<LoadedModel> {
    const opened = await this.open(name, selector);
    const { info } = opened;
    if (formatOf(info) !== 'tfjs-layers') {
      throw new PolyfaasError('PreconditionFailed', `Model ${name} version ${info.version} is an imported ${formatOf(info)} model, not a tfjs Layers model; serve it with Predictor`, {
        details: { name, version: info.version, format: formatOf(info) },
      });
    }
    let model: tfl.LayersModel;
    try {
      model = await tfl.loadLayersModel(opened.ioHandler());
    } catch (err) {
      throw toPolyfaasError(err, `Loading model ${name} version ${info.version} failed`);
    }
    const { alias, signedBy } = opened;
    return { model, info, ...(alias ? { alias } : {}), ...(signedBy ? { signedBy } : {}) };
  }

  /**
   * Resolve a version, check its signature (when the store verifies) and
   * hand out readers that check each file against the manifest: the common
   * first step of loading a model in any format.
   *
   * @throws like {@link load}, except for deserialising.
   */
  async open(name: string, selector: ModelSelector): Promise<OpenedVersion> {
    assertName('model', name);
    const alias = 'alias' in selector ? await this.resolveAlias(name, selector.alias) : undefined;
    const version = alias ? alias.version : (selector as { version: string }).version;
    const { info, bytes } = await this.readManifest(name, version);
    const signedBy = await this.checkSignature(name, version, info, bytes);
    const folder = this.layout.versionFolder(name, version);
    return {
      info,
      ...(alias ? { alias } : {}),
      ...(signedBy ? { signedBy } : {}),
      ioHandler: () => bucketIOHandler(this.bucket, folder, { expectedFiles: info.files }),
      readFile: async (path) => {
        const entry = info.files.find((f) => f.path === path);
        if (!entry) throw new PolyfaasError('DataLoss', `Model ${name} version ${version} has no file ${path} in its manifest`, { details: { file: folder + path } });
        const { body } = await this.bucket.get(folder + path);
        verifyFile(entry, body, folder + path);
        return body;
      },
    };
  }

  /**
   * Check a version completely, as `polyfaas models verify` does: its
   * signature against the trusted keys, then every file's bytes.
   *
   * @throws `InvalidArgument` if the store has no verify key.
   * @throws `Forbidden` if unsigned, signed by an unknown key or altered since signing.
   * @throws `DataLoss` if a file's bytes differ from the signed manifest.
   */
  async verify(name: string, version: string): Promise<VerifiedVersion> {
    if (!this.trust.verifies) throw new PolyfaasError('InvalidArgument', 'No model verify key is configured (POLYFAAS_MODEL_VERIFY_KEYS)');
    const { info, bytes } = await this.readManifest(name, version);
    const folder = this.layout.versionFolder(name, version);
    const signature = await readVersionSignature(this.bucket, folder);
    if (!signature) throw untrusted('unsigned', `Model ${name}/${version} is not signed`, { name, version });
    const signedBy = checkVersion(this.trust, { name, version }, bytes, info.files, signature) as string;
    for (const file of info.files) verifyFile(file, (await this.bucket.get(folder + file.path)).body, folder + file.path);
    return { info, signedBy };
  }

  /**
   * Sign an existing version with the store's signing key, after checking
   * every file against its manifest. Signing vouches for what is stored now:
   * sign only versions you trust (e.g. right after migrating a store).
   *
   * @param options.replace replace an existing signature (re-signing with a new key).
   * @throws `InvalidArgument` without a signing key.
   * @throws `AlreadyExists` if the version is signed and `replace` is not set.
   * @throws `DataLoss` if a file does not match the manifest.
   */
  async sign(name: string, version: string, options: { replace?: boolean } = {}): Promise<ModelVersionInfo> {
    const key = this.trust.signingKey;
    if (!key) throw new PolyfaasError('InvalidArgument', 'No model signing key is configured (POLYFAAS_MODEL_SIGNING_KEY)');
    const { info, bytes } = await this.readManifest(name, version);
    const folder = this.layout.versionFolder(name, version);
    for (const file of info.files) verifyFile(file, (await this.bucket.get(folder + file.path)).body, folder + file.path);
    const signature = versionSignature(key, name, version, bytes, info.files);
    try {
      await this.bucket.put(folder + MODEL_SIGNATURE_FILE, signature, { contentType: 'application/json', ...(options.replace ? {} : { ifNoneMatch: '*' as const }) });
    } catch (err) {
      if (!isPolyfaasError(err, 'PreconditionFailed')) throw err;
      throw new PolyfaasError('AlreadyExists', `Model ${name} version ${version} is already signed; replace the signature explicitly`, {
        cause: err,
        details: { name, version },
      });
    }
    return info;
  }

  /**
   * Re-write an alias, signed, at the version it points to now — for aliases
   * made before signing was set up. Like {@link sign}, it vouches for the
   * current target; the version must verify first.
   */
  async signAlias(name: string, alias: string): Promise<AliasInfo> {
    assertName('model', name);
    assertName('alias', alias);
    const current = await readAlias(this.bucket, this.layout.aliasKey(name, alias), alias);
    if (!current) throw new PolyfaasError('NotFound', `Model ${name} has no alias ${alias}`, { details: { name, alias } });
    return this.promote(name, current.version, alias);
  }

  /**
   * The manifest of one version. When the store verifies signatures, the
   * manifest's signature is checked too (one more small read; file bytes are
   * checked by {@link load} and {@link verify}).
   *
   * @throws `NotFound` if the version has no manifest (absent, half-written or being deleted).
   * @throws `Forbidden` if the store verifies signatures and the manifest is not signed by a trusted key as it is.
   */
  async info(name: string, version: string): Promise<ModelVersionInfo> {
    const { info, bytes } = await this.readManifest(name, version);
    await this.checkSignature(name, version, info, bytes);
    return info;
  }

  /** The manifest and its exact bytes (what a signature covers). */
  private async readManifest(name: string, version: string): Promise<{ info: ModelVersionInfo; bytes: Uint8Array }> {
    assertName('model', name);
    assertVersionId(version);
    const key = this.layout.manifestKey(name, version);
    try {
      const { body } = await this.bucket.get(key);
      return { info: decodeManifest(body, key), bytes: body };
    } catch (err) {
      if (isPolyfaasError(err, 'NotFound')) {
        throw new PolyfaasError('NotFound', `Model ${name} has no version ${version}`, { cause: err, details: { name, version } });
      }
      throw err;
    }
  }

  /**
   * Every complete version of `name`, oldest first. Versions without a
   * manifest are skipped. Signatures are not checked here (a listing should
   * show a tampered version rather than fail); {@link info} and {@link load} check them.
   */
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
        return (await this.readManifest(name, version)).info;
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
   * @throws `Forbidden` if the store requires signatures and the version does not verify, or there is no signing key to sign the alias.
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
    const { info, bytes } = await this.readManifest(name, version);
    await this.checkSignature(name, version, info, bytes);
    const key = this.trust.signingKey;
    if (!key && this.trust.requireSignature) {
      throw new PolyfaasError('Forbidden', `Moving ${name}@${alias} needs the model signing key: this store only accepts signed aliases`, {
        details: { name, alias, reason: 'no-signing-key' },
      });
    }
    const moved = await moveAlias(this.bucket, this.layout.aliasKey(name, alias), alias, version, {
      attempts: this.promoteAttempts,
      now: this.now,
      ...(key
        ? {
            sign: (current, at) => {
              // Above the clock and every record this store verified; an unverifiable stored number is ignored.
              const seen = Math.max(this.verifiedSequence(name, alias, current), this.trust.highWater.highest(name, alias));
              const sequence = Math.max(at.getTime(), seen + 1);
              return { sequence, signature: signAlias(key, { model: name, alias, version, sequence }) };
            },
          }
        : {}),
    });
    if (moved.sequence !== undefined) this.trust.highWater.accept({ model: name, alias, version, sequence: moved.sequence });
    return moved;
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
    if (this.trust.verifies && (found.signature !== undefined || this.trust.requireSignature)) {
      this.trust.highWater.accept(verifyAlias(found, { model: name, alias }, this.trust.keys));
    }
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

  /** Every alias of `name`, sorted by alias name, as stored: signatures are not checked (use {@link resolveAlias}). */
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
    // Unverified on purpose: deleting a tampered version must stay possible.
    const { info } = await this.readManifest(name, version);
    const protecting = (await this.aliases(name)).filter((a) => a.version === version).map((a) => a.alias);
    if (protecting.length > 0) {
      throw new PolyfaasError('PreconditionFailed', `Model ${name} version ${version} is aliased as ${protecting.join(', ')}; move the alias first`, {
        details: { name, version, aliases: protecting },
      });
    }
    const folder = this.layout.versionFolder(name, version);
    await this.bucket.delete(folder + MANIFEST_JSON);
    await Promise.all([...info.files.map((f) => f.path), MODEL_SIGNATURE_FILE].map((path) => this.bucket.delete(folder + path)));
  }

  /** Apply the signing policy to a version; the key id that verified, if any. */
  private async checkSignature(name: string, version: string, info: ModelVersionInfo, manifest: Uint8Array): Promise<string | undefined> {
    if (!this.trust.verifies) return undefined;
    const signature = await readVersionSignature(this.bucket, this.layout.versionFolder(name, version));
    return checkVersion(this.trust, { name, version }, manifest, info.files, signature);
  }

  /** The sequence of `current` if its signature verifies, else 0. */
  private verifiedSequence(name: string, alias: string, current: AliasInfo | undefined): number {
    if (!current?.signature) return 0;
    try {
      return verifyAlias(current, { model: name, alias }, this.trust.keys).sequence;
    } catch {
      return 0;
    }
  }
}
