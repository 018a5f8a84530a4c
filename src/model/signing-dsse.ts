/**
 * DSSE envelopes (github.com/secure-systems-lab/dsse, protocol v1): the one
 * place model and alias signatures are made and checked. The signature is over
 * the pre-authentication encoding `DSSEv1 <len> <type> <len> <payload>`, so a
 * payload can never be reinterpreted as another payload type.
 *
 * @module
 */
import { PolyfaasError } from '../errors.js';
import type { ModelSigningKey, ModelVerifyKey } from './signing-keys.js';

/** A DSSE envelope as JSON: base64 payload, its type, and one or more signatures. */
export interface DsseEnvelope {
  readonly payload: string;
  readonly payloadType: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

/** Why a signature was refused; in `details.reason` of every `Forbidden` the signing code throws. */
export type UntrustedReason =
  | 'unsigned'
  | 'unknown-key'
  | 'bad-signature'
  | 'malformed-signature'
  | 'digest-mismatch'
  | 'wrong-subject'
  | 'alias-rollback';

/**
 * The error for anything that cannot be proven to come from a trusted signer.
 * `Forbidden`, not `DataLoss`: the bytes may be perfectly intact — the store
 * refuses them on policy, and operators should treat it as a security alert.
 */
export function untrusted(reason: UntrustedReason, message: string, details: Record<string, unknown> = {}): PolyfaasError {
  return new PolyfaasError('Forbidden', message, { details: { ...details, reason } });
}

/** DSSE v1 pre-authentication encoding of `payload`. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.byteLength} `), type, Buffer.from(` ${payload.byteLength} `), payload]);
}

/** Sign `payload` into a one-signature envelope. */
export function signEnvelope(key: ModelSigningKey, payloadType: string, payload: Uint8Array): DsseEnvelope {
  const sig = Buffer.from(key.sign(pae(payloadType, payload))).toString('base64');
  return { payload: Buffer.from(payload).toString('base64'), payloadType, signatures: [{ keyid: key.keyId, sig }] };
}

/**
 * Check `envelope` and return its payload and the key id that verified it.
 * Accepted when any signature by a key in `keys` verifies; signatures by
 * unknown key ids are ignored (another party may co-sign).
 *
 * @throws `Forbidden` with `details.reason` `malformed-signature`, `unknown-key` or `bad-signature`.
 */
export function openEnvelope(envelope: unknown, payloadType: string, keys: ReadonlyMap<string, ModelVerifyKey>, what: string): { payload: Buffer; keyId: string } {
  if (!isEnvelope(envelope) || envelope.payloadType !== payloadType) {
    throw untrusted('malformed-signature', `The signature of ${what} is not a ${payloadType} DSSE envelope`, { subject: what });
  }
  const payload = Buffer.from(envelope.payload, 'base64');
  const known = envelope.signatures.filter((s) => keys.has(s.keyid));
  if (known.length === 0) {
    throw untrusted('unknown-key', `${what} is signed by no trusted key`, { subject: what, keyIds: envelope.signatures.map((s) => s.keyid.slice(0, 64)) });
  }
  const signed = pae(payloadType, payload);
  const good = known.find((s) => keys.get(s.keyid)?.verify(signed, Buffer.from(s.sig, 'base64')));
  if (!good) throw untrusted('bad-signature', `The signature of ${what} does not verify`, { subject: what, keyIds: known.map((s) => s.keyid) });
  return { payload, keyId: good.keyid };
}

function isEnvelope(value: unknown): value is DsseEnvelope {
  const e = value as Partial<DsseEnvelope> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.payload === 'string' &&
    typeof e.payloadType === 'string' &&
    Array.isArray(e.signatures) &&
    e.signatures.every((s: unknown) => typeof (s as { keyid?: unknown })?.keyid === 'string' && typeof (s as { sig?: unknown }).sig === 'string')
  );
}
