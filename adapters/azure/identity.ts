import type { PlatformPrincipal } from '../../src/index.js';

/** One claim of App Service's `x-ms-client-principal` document. */
interface PrincipalClaim {
  typ?: unknown;
  val?: unknown;
}

const SCOPE_CLAIMS = new Set(['scp', 'http://schemas.microsoft.com/identity/claims/scope']);
const ROLE_CLAIMS = new Set(['roles', 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role']);
const ID_CLAIMS = ['http://schemas.microsoft.com/identity/claims/objectidentifier', 'oid', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier', 'sub'];

/**
 * The caller App Service authentication (Easy Auth) signed in, from the
 * `x-ms-client-principal*` headers it injects. Microsoft documents that
 * external requests cannot set these headers when App Service authentication
 * is on; they carry no signature, so trust them (`auth.platform.azure`) only
 * for a Function App that has it on. Scopes are the token's `scp` values plus
 * its app roles. Undefined without the headers or with a malformed principal.
 */
export function azureIdentity(headers: Readonly<Record<string, string>>): PlatformPrincipal | undefined {
  const encoded = headers['x-ms-client-principal'];
  const id = headers['x-ms-client-principal-id'];
  if (encoded === undefined && id === undefined) return undefined;
  const claims: Record<string, unknown> = {};
  const scopes: string[] = [];
  if (encoded !== undefined) {
    let doc: { claims?: unknown; auth_typ?: unknown; role_typ?: unknown };
    try {
      doc = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) as typeof doc;
    } catch {
      return undefined;
    }
    if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.claims)) return undefined;
    const roleType = typeof doc.role_typ === 'string' ? doc.role_typ : undefined;
    for (const claim of doc.claims as PrincipalClaim[]) {
      if (typeof claim?.typ !== 'string' || typeof claim.val !== 'string') continue;
      const previous = claims[claim.typ];
      claims[claim.typ] = previous === undefined ? claim.val : [...(Array.isArray(previous) ? previous : [previous]), claim.val];
      if (SCOPE_CLAIMS.has(claim.typ)) scopes.push(...claim.val.split(/\s+/).filter(Boolean));
      if (ROLE_CLAIMS.has(claim.typ) || claim.typ === roleType) scopes.push(claim.val);
    }
    if (typeof doc.auth_typ === 'string') claims.auth_typ = doc.auth_typ;
  }
  const fromClaims = ID_CLAIMS.map((c) => claims[c]).find((v): v is string => typeof v === 'string');
  const subject = id ?? fromClaims;
  if (!subject) return undefined;
  const name = headers['x-ms-client-principal-name'];
  const idp = headers['x-ms-client-principal-idp'];
  return { provider: 'azure', subject, scopes: [...new Set(scopes)], claims: { ...claims, ...(name ? { name } : {}), ...(idp ? { idp } : {}) } };
}
