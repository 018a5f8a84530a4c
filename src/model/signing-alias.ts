/**
 * Signed alias records. The signed payload binds the model name, the alias
 * name, the version and a sequence number, so a signature can neither be
 * moved to another alias or model nor re-pointed at another version.
 *
 * ## Replay (rollback) protection, and its limit
 *
 * Anyone who can write the bucket can copy an *old* signed alias record back,
 * pointing `production` at a version that was signed once but withdrawn. A
 * signature alone cannot tell "old" from "current", so each record carries a
 * `sequence`: the promotion time in milliseconds, and always more than the
 * previous verified record's sequence. Time rather than a bare counter because
 * a signer must never have to trust the (writable) stored counter: a legitimate
 * promotion after a tampered record still gets a higher number than every
 * earlier legitimate one.
 *
 * A verifier remembers the highest sequence it accepted per alias
 * ({@link AliasHighWater}) and refuses anything lower, or the same sequence
 * naming another version. A running server (the `Predictor`) therefore never
 * rolls back. A process that starts after the replay has no memory and accepts
 * the newest *signed* record it finds — closing that needs a trusted source of
 * freshness outside the bucket (e.g. a minimum sequence in the deployment's
 * configuration, or a transparency log), which polyfaas does not provide.
 *
 * @module
 */
import { openEnvelope, signEnvelope, untrusted, type DsseEnvelope } from './signing-dsse.js';
import type { ModelSigningKey, ModelVerifyKey } from './signing-keys.js';

const ALIAS_PAYLOAD_TYPE = 'application/vnd.polyfaas.model-alias.v1+json';

/** What an alias signature covers. */
export interface SignedAlias {
  readonly model: string;
  readonly alias: string;
  readonly version: string;
  /** Monotonic: the promotion time in ms, raised above the previous record's if the clock lags. */
  readonly sequence: number;
}

/** Sign an alias target. */
export function signAlias(key: ModelSigningKey, target: SignedAlias): DsseEnvelope {
  const payload = { model: target.model, alias: target.alias, version: target.version, sequence: target.sequence };
  return signEnvelope(key, ALIAS_PAYLOAD_TYPE, Buffer.from(JSON.stringify(payload)));
}

/**
 * Check an alias record's signature against the model and alias it was read
 * for, and the version and sequence the record claims.
 *
 * @throws `Forbidden` (`details.reason`: `unsigned`, `malformed-signature`, `unknown-key`, `bad-signature`, `wrong-subject`).
 */
export function verifyAlias(
  record: { readonly version: string; readonly sequence?: number; readonly signature?: unknown },
  expected: { readonly model: string; readonly alias: string },
  keys: ReadonlyMap<string, ModelVerifyKey>,
): SignedAlias & { keyId: string } {
  const what = `alias ${expected.model}@${expected.alias}`;
  if (record.signature === undefined) throw untrusted('unsigned', `The ${what} is not signed`, { model: expected.model, alias: expected.alias });
  const { payload, keyId } = openEnvelope(record.signature, ALIAS_PAYLOAD_TYPE, keys, what);
  let signed: Partial<SignedAlias> | null;
  try {
    signed = JSON.parse(payload.toString('utf8')) as Partial<SignedAlias> | null;
  } catch {
    signed = null;
  }
  if (typeof signed?.version !== 'string' || !Number.isSafeInteger(signed.sequence)) {
    throw untrusted('malformed-signature', `The signature of the ${what} has a malformed payload`, { model: expected.model, alias: expected.alias });
  }
  // The record's plain fields are for people; only the signed ones count, and they must agree.
  if (signed.model !== expected.model || signed.alias !== expected.alias || signed.version !== record.version || signed.sequence !== record.sequence) {
    throw untrusted('wrong-subject', `The signature of the ${what} was made for another alias, version or sequence`, {
      model: expected.model,
      alias: expected.alias,
      version: record.version,
    });
  }
  return { model: signed.model, alias: signed.alias, version: signed.version, sequence: signed.sequence as number, keyId };
}

/**
 * The highest alias sequence this process accepted, per alias: what refuses
 * a replayed older record (see the module docs for what it cannot refuse).
 */
export class AliasHighWater {
  private readonly seen = new Map<string, { sequence: number; version: string }>();

  /** The highest sequence accepted for an alias, 0 if none. */
  highest(model: string, alias: string): number {
    return this.seen.get(`${model}\0${alias}`)?.sequence ?? 0;
  }

  /**
   * Accept `signed` if it is not older than what was seen for its alias, and remember it.
   *
   * @throws `Forbidden` with `details.reason: 'alias-rollback'` for a lower sequence, or the same sequence naming another version.
   */
  accept(signed: SignedAlias): void {
    const key = `${signed.model}\0${signed.alias}`;
    const last = this.seen.get(key);
    if (last && (signed.sequence < last.sequence || (signed.sequence === last.sequence && signed.version !== last.version))) {
      throw untrusted('alias-rollback', `The alias ${signed.model}@${signed.alias} went back to an older signed record (replayed?)`, {
        model: signed.model,
        alias: signed.alias,
        version: signed.version,
        sequence: signed.sequence,
        lastSequence: last.sequence,
        lastVersion: last.version,
      });
    }
    if (!last || signed.sequence > last.sequence) this.seen.set(key, { sequence: signed.sequence, version: signed.version });
  }
}
