import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PolyfaasError } from '../errors.js';
import type { ApiKeyOptions, ApiKeyRecord } from './types.js';

/** The variable API keys are read from unless `apiKeys.env` names another. */
export const API_KEYS_ENV = 'POLYFAAS_API_KEYS';

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The SHA-256 of an API key as lower-case hex: what `apiKeys.keys` and
 * `POLYFAAS_API_KEYS` (`sha256.<hex>`) store instead of the key.
 *
 * @example
 * ```ts
 * hashApiKey('pfk_…'); // '9f86d08…'
 * ```
 */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A fresh random API key (256 bits, base64url, prefixed `pfk_` so it is recognisable in a leak scan). */
export function generateApiKey(): string {
  return `pfk_${randomBytes(32).toString('base64url')}`;
}

/**
 * Parse the `POLYFAAS_API_KEYS` format: entries separated by `,` or new lines,
 * each `<id>:<key>[:<scope> <scope>…]` (scopes may contain `:`), where `<key>` is the key or
 * `sha256.<hex>`. Keys are hashed here and not kept. A malformed entry throws
 * `InvalidArgument` naming the entry's position, never its content.
 */
export function parseApiKeys(value: string, source = API_KEYS_ENV): ApiKeyRecord[] {
  const records: ApiKeyRecord[] = [];
  const entries = value.split(/[,\n]/).map((e) => e.trim());
  entries.forEach((entry, index) => {
    if (!entry) return;
    // Scopes may hold `:` themselves (`models:write`): everything after the second `:` is scopes.
    const [id = '', secret = '', ...scopeParts] = entry.split(':');
    const scopes = scopeParts.join(':');
    if (!KEY_ID.test(id) || !secret) {
      throw new PolyfaasError('InvalidArgument', `${source}: entry ${index + 1} is not <id>:<key>[:<scopes>]`);
    }
    const given = secret.startsWith('sha256.') ? secret.slice('sha256.'.length).toLowerCase() : undefined;
    if (given !== undefined && !HEX64.test(given)) throw new PolyfaasError('InvalidArgument', `${source}: entry ${index + 1} has a malformed sha256 hash`);
    records.push({ id, sha256: given ?? hashApiKey(secret), scopes: scopes.split(/\s+/).filter(Boolean) });
  });
  return records;
}

/** Checks the shape of keys given in code; throws `InvalidArgument`. */
export function validateApiKeyRecords(keys: readonly ApiKeyRecord[], where: string): void {
  for (const key of keys) {
    if (!KEY_ID.test(String(key?.id))) throw new PolyfaasError('InvalidArgument', `${where}: API key id must match ${KEY_ID}`);
    if (!HEX64.test(String(key.sha256))) throw new PolyfaasError('InvalidArgument', `${where}: API key "${key.id}" needs sha256 as 64 lower-case hex digits (see hashApiKey)`);
  }
}

/** The keys an `apiKeys` option accepts, hashed: code keys plus the environment's. */
export function loadApiKeys(options: ApiKeyOptions, env: Readonly<Record<string, string | undefined>>): ApiKeyRecord[] {
  const name = options.env === false ? undefined : (options.env ?? API_KEYS_ENV);
  const fromEnv = name && env[name] ? parseApiKeys(env[name] as string, name) : [];
  return [...(options.keys ?? []), ...fromEnv];
}

/**
 * Finds the key a caller presented. Every stored hash is compared, in
 * constant time, whatever matches: timing says neither which key nor how
 * much of one matched.
 */
export class ApiKeyVerifier {
  private readonly hashes: { record: ApiKeyRecord; digest: Buffer }[];

  constructor(records: readonly ApiKeyRecord[]) {
    this.hashes = records.map((record) => ({ record, digest: Buffer.from(record.sha256, 'hex') }));
  }

  /** How many keys are accepted (0 means every request is refused). */
  get size(): number {
    return this.hashes.length;
  }

  /** The record of the presented key, or undefined. */
  verify(presented: string): ApiKeyRecord | undefined {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ApiKeyRecord | undefined;
    for (const { record, digest: stored } of this.hashes) {
      if (timingSafeEqual(digest, stored) && !found) found = record;
    }
    return found;
  }
}
