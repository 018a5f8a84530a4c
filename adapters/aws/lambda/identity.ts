import type { PlatformPrincipal } from '../../../src/index.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** Scopes as a list, from a list or a space-separated string. */
function scopeList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((s): s is string => typeof s === 'string');
  return typeof value === 'string' ? value.split(/\s+/).filter(Boolean) : [];
}

/**
 * The caller API Gateway or a Function URL authenticated, read from the
 * event's `requestContext` — which the gateway writes and a client cannot:
 * - HTTP API JWT authorizer: `authorizer.jwt.{claims,scopes}`;
 * - IAM (`AWS_IAM` Function URL or route): `authorizer.iam.userArn`;
 * - Lambda authorizer: `authorizer.lambda` (v2) or `authorizer.principalId` + context (v1);
 * - Cognito user pool (REST): `authorizer.claims`;
 * - REST API IAM: `identity.userArn`.
 * Undefined when the gateway authenticated nobody. ALB events carry no
 * verified identity here (ALB's OIDC header is not read).
 */
export function awsIdentity(event: unknown): PlatformPrincipal | undefined {
  if (!isObj(event) || !isObj(event.requestContext)) return undefined;
  const rc = event.requestContext;
  const authorizer = isObj(rc.authorizer) ? rc.authorizer : undefined;
  const principal = (subject: string | undefined, scopes: string[], claims: Obj, kind: string): PlatformPrincipal | undefined =>
    subject !== undefined ? { provider: 'aws', subject, scopes, claims: { ...claims, authorizer: kind } } : undefined;
  if (authorizer) {
    if (isObj(authorizer.jwt) && isObj(authorizer.jwt.claims)) {
      const claims = authorizer.jwt.claims;
      const scopes = Array.isArray(authorizer.jwt.scopes) ? scopeList(authorizer.jwt.scopes) : scopeList(claims.scope ?? claims.scp);
      // The gateway verified the token: the caller is authenticated even if the token names no subject.
      return principal(str(claims.sub) ?? str(claims.client_id) ?? str(claims.username) ?? '', scopes, claims, 'jwt');
    }
    if (isObj(authorizer.iam)) {
      const iam = authorizer.iam;
      return principal(str(iam.userArn) ?? str(iam.callerId), [], { accountId: iam.accountId, userArn: iam.userArn, callerId: iam.callerId, principalOrgId: iam.principalOrgId }, 'iam');
    }
    if (isObj(authorizer.lambda)) {
      const ctx = authorizer.lambda;
      return principal(str(ctx.principalId) ?? str(ctx.sub), scopeList(ctx.scopes ?? ctx.scope), ctx, 'lambda');
    }
    if (isObj(authorizer.claims)) return principal(str(authorizer.claims.sub), scopeList(authorizer.claims.scope), authorizer.claims, 'cognito');
    if (str(authorizer.principalId)) {
      const { principalId, integrationLatency: _latency, ...context } = authorizer;
      return principal(str(principalId), scopeList(context.scopes ?? context.scope), context, 'lambda');
    }
  }
  const identity = isObj(rc.identity) ? rc.identity : undefined;
  if (identity && str(identity.userArn)) {
    return principal(str(identity.userArn), [], { accountId: identity.accountId, userArn: identity.userArn, caller: identity.caller }, 'iam');
  }
  return undefined;
}
