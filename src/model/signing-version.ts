/**
 * Signing and checking one saved version: the glue between a version's
 * manifest and its `model.sig`. The signature covers the manifest's own bytes
 * and every file the manifest lists, so neither a replaced file nor a
 * manifest rewritten with recomputed digests verifies.
 *
 * @module
 */
import { isPolyfaasError } from '../errors.js';
import type { Bucket } from '../storage/types.js';
import { MANIFEST_JSON } from './layout.js';
import { sha256Hex, type ModelFileEntry } from './manifest.js';
import { MODEL_SIGNATURE_FILE, signatureSubject, signResources, verifyResources, type SignedResource } from './signing-bundle.js';
import { untrusted } from './signing-dsse.js';
import type { ModelSigningKey } from './signing-keys.js';
import type { ModelTrust } from './signing-policy.js';

/** The resources a version's signature lists: the manifest itself and each file it lists. */
function resourcesOf(manifestBytes: Uint8Array, files: readonly ModelFileEntry[]): SignedResource[] {
  return [{ name: MANIFEST_JSON, sha256: sha256Hex(manifestBytes) }, ...files.map((f) => ({ name: f.path, sha256: f.sha256 }))];
}

/** The `model.sig` bytes for a version whose manifest is `manifestBytes`. */
export function versionSignature(key: ModelSigningKey, name: string, version: string, manifestBytes: Uint8Array, files: readonly ModelFileEntry[]): Uint8Array {
  return signResources(key, signatureSubject(name, version), resourcesOf(manifestBytes, files));
}

/** The version's `model.sig`, or `undefined` if it has none. */
export async function readVersionSignature(bucket: Bucket, folder: string): Promise<Uint8Array | undefined> {
  try {
    return (await bucket.get(folder + MODEL_SIGNATURE_FILE)).body;
  } catch (err) {
    if (isPolyfaasError(err, 'NotFound')) return undefined;
    throw err;
  }
}

/**
 * Apply `trust` to one version: verify its signature when keys are
 * configured, refuse a missing one when signatures are required.
 *
 * @returns the key id that signed it, or `undefined` if unsigned and that is allowed.
 * @throws `Forbidden` with `details.reason` (`unsigned`, `unknown-key`, `bad-signature`, `digest-mismatch`, …).
 */
export function checkVersion(
  trust: ModelTrust,
  target: { name: string; version: string },
  manifestBytes: Uint8Array,
  files: readonly ModelFileEntry[],
  signature: Uint8Array | undefined,
): string | undefined {
  if (!trust.verifies) return undefined;
  const subject = signatureSubject(target.name, target.version);
  if (!signature) {
    if (!trust.requireSignature) return undefined;
    throw untrusted('unsigned', `Model ${subject} is not signed`, { ...target });
  }
  const { resources, keyId } = verifyResources(signature, subject, trust.keys);
  const actual = resourcesOf(manifestBytes, files);
  const problem =
    actual.find((r) => resources.get(r.name) !== r.sha256)?.name ??
    [...resources.keys()].find((name) => !actual.some((r) => r.name === name));
  if (problem !== undefined) {
    throw untrusted('digest-mismatch', `Model ${subject} does not match its signature (${problem} differs from what was signed)`, { ...target, file: problem, keyId });
  }
  return keyId;
}
