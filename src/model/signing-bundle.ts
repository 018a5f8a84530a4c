/**
 * A version's signature, `<version>/model.sig`, in the layout the OpenSSF
 * `model_signing` project (github.com/sigstore/model-transparency, v1.0
 * predicate) writes for key-based signing:
 *
 * ```text
 * Sigstore bundle v0.3 JSON { mediaType, verificationMaterial: { publicKey: { hint }, tlogEntries: [] }, dsseEnvelope }
 *   └ DSSE envelope, payloadType application/vnd.in-toto+json, signatures [{ keyid, sig }]
 *       └ in-toto Statement v1
 *           subject:   [{ name: "<model>/<version>", digest: { sha256: SHA-256 of the resources' digests in order } }]
 *           predicateType: https://model_signing/signature/v1.0
 *           predicate: { serialization: { method: files, hash_type: sha256, allow_symlinks: false, ignore_paths: [model.sig] },
 *                        resources: [{ name, algorithm: sha256, digest }] sorted by name }
 * ```
 *
 * The resources are every file of the version folder but the signature:
 * `manifest.json` (labels, input shape, metrics, …) and each file it lists.
 * The subject name binds the model name and version, so a signed folder copied
 * to another name or version does not verify.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { openEnvelope, signEnvelope, untrusted } from './signing-dsse.js';
import type { ModelSigningKey, ModelVerifyKey } from './signing-keys.js';

/** File name of a version's signature, beside its manifest (the name `model_signing` uses by default). */
export const MODEL_SIGNATURE_FILE = 'model.sig';

const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
const PREDICATE_TYPE = 'https://model_signing/signature/v1.0';

/** One signed file: its path in the version folder and lower-case hex SHA-256. */
export interface SignedResource {
  readonly name: string;
  readonly sha256: string;
}

/** The subject name a version is signed under: `<model>/<version>`. */
export function signatureSubject(name: string, version: string): string {
  return `${name}/${version}`;
}

/** The `model.sig` bytes signing `resources` under `subject`. */
export function signResources(key: ModelSigningKey, subject: string, resources: readonly SignedResource[]): Uint8Array {
  const sorted = [...resources].sort((a, b) => compare(a.name, b.name));
  const statement = {
    _type: STATEMENT_TYPE,
    subject: [{ name: subject, digest: { sha256: rootDigest(sorted) } }],
    predicateType: PREDICATE_TYPE,
    predicate: {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: [MODEL_SIGNATURE_FILE] },
      resources: sorted.map((r) => ({ name: r.name, algorithm: 'sha256', digest: r.sha256 })),
    },
  };
  const envelope = signEnvelope(key, IN_TOTO_PAYLOAD_TYPE, Buffer.from(JSON.stringify(statement)));
  const hint = key.verifyKey().publicKeyHint();
  const bundle = {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: { publicKey: hint ? { hint } : {}, tlogEntries: [] },
    dsseEnvelope: envelope,
  };
  return Buffer.from(`${JSON.stringify(bundle, null, 2)}\n`);
}

/**
 * Verify `model.sig` bytes and return the signed resources (name → SHA-256)
 * and the key id that signed them.
 *
 * @throws `Forbidden` (`details.reason`: `malformed-signature`, `unknown-key`, `bad-signature`, `wrong-subject`).
 */
export function verifyResources(
  bytes: Uint8Array,
  subject: string,
  keys: ReadonlyMap<string, ModelVerifyKey>,
): { resources: ReadonlyMap<string, string>; keyId: string } {
  const bundle = parseJson(bytes, subject) as { mediaType?: unknown; dsseEnvelope?: unknown } | null;
  if (bundle?.mediaType !== BUNDLE_MEDIA_TYPE) throw malformed(subject, 'not a Sigstore bundle v0.3');
  const { payload, keyId } = openEnvelope(bundle.dsseEnvelope, IN_TOTO_PAYLOAD_TYPE, keys, `model ${subject}`);
  const statement = parseJson(payload, subject) as Partial<Statement> | null;
  if (statement?._type !== STATEMENT_TYPE || statement.predicateType !== PREDICATE_TYPE) throw malformed(subject, 'not a model_signing v1.0 statement');
  const serialization = statement.predicate?.serialization;
  if (serialization?.method !== 'files' || serialization.hash_type !== 'sha256') throw malformed(subject, 'not a per-file SHA-256 manifest');
  const listed = statement.predicate?.resources;
  if (!Array.isArray(listed) || !listed.every(isResource)) throw malformed(subject, 'resources are malformed');
  const resources = new Map(listed.map((r) => [r.name, r.digest] as const));
  if (resources.size !== listed.length) throw malformed(subject, 'a resource is listed twice');
  const [only, ...more] = statement.subject ?? [];
  const root = rootDigest(listed.map((r) => ({ name: r.name, sha256: r.digest })));
  if (!only || more.length > 0 || only.digest?.sha256 !== root) throw malformed(subject, 'the subject digest does not match the resources');
  if (only.name !== subject) {
    throw untrusted('wrong-subject', `The signature under ${subject} was made for ${String(only.name).slice(0, 200)}`, {
      subject,
      signedFor: String(only.name).slice(0, 200),
    });
  }
  return { resources, keyId };
}

interface Statement {
  _type: string;
  subject: { name?: unknown; digest?: { sha256?: unknown } }[];
  predicateType: string;
  predicate: { serialization?: { method?: unknown; hash_type?: unknown }; resources?: unknown };
}

function isResource(value: unknown): value is { name: string; algorithm: 'sha256'; digest: string } {
  const r = value as { name?: unknown; algorithm?: unknown; digest?: unknown } | null;
  return typeof r?.name === 'string' && r.algorithm === 'sha256' && typeof r.digest === 'string' && /^[0-9a-f]{64}$/.test(r.digest);
}

/** `model_signing`'s subject digest: SHA-256 over the raw resource digests, in listed order. */
function rootDigest(resources: readonly SignedResource[]): string {
  const hash = createHash('sha256');
  for (const r of resources) hash.update(Buffer.from(r.sha256, 'hex'));
  return hash.digest('hex');
}

/** Byte-wise order, as Python sorts the ASCII paths `model_signing` produces. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseJson(bytes: Uint8Array, subject: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw malformed(subject, 'not valid UTF-8 JSON');
  }
}

function malformed(subject: string, problem: string) {
  return untrusted('malformed-signature', `The signature of model ${subject} is invalid: ${problem}`, { subject });
}
