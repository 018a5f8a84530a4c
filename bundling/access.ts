// Specific modules, not the index: the CLI's --help path stays light.
import { API_KEYS_ENV } from '../src/auth/api-keys.js';
import { effectiveAuth, hasAuthMethod } from '../src/auth/policy.js';
import type { AppDefinition, Trigger } from '../src/function.js';

/**
 * Who may reach a deployment's HTTP functions, as `polyfaas bundle|deploy` set it up:
 * - `platform` (the default): the cloud's own gate — AWS IAM (SigV4), Google IAM
 *   (an identity token with `run.invoker`), an Azure function key;
 * - `app`: the app authenticates every HTTP function itself (API keys or JWT), so
 *   on AWS, whose IAM gate would take the `Authorization` header, the URL is
 *   open to the network and the app's `auth` is the gate;
 * - `public`: `--public`, explicitly: anyone may call.
 */
export type DeploymentAccess = 'platform' | 'app' | 'public';

/** The `--public` flag's help line, the same for every cloud. */
export const PUBLIC_FLAG_HELP = `  --public                let anyone call the HTTP functions (default: private;
                          see docs/security.md)`;

/** True if every HTTP function of the app authenticates callers with its own `auth` (API keys, JWT). */
export function appAuthenticatesHttp(app: AppDefinition): boolean {
  const http = app.functions.filter((fn) => (fn.trigger as Trigger).type === 'http');
  return http.length > 0 && http.every((fn) => {
    const auth = effectiveAuth(app.auth, fn.auth);
    return hasAuthMethod(auth) && (auth?.apiKeys !== undefined || auth?.jwt !== undefined);
  });
}

/** The access a deployment gets: `public` only when asked; `app` where the app authenticates every HTTP function. */
export function deploymentAccess(app: AppDefinition, isPublic: boolean | undefined): DeploymentAccess {
  if (isPublic) return 'public';
  return appAuthenticatesHttp(app) ? 'app' : 'platform';
}

/**
 * The environment variables the app reads API keys from: each must come from
 * the cloud's secret store at run time, never from the bundle.
 */
export function apiKeyEnvNames(app: AppDefinition): string[] {
  const names = new Set<string>();
  for (const fn of app.functions) {
    if ((fn.trigger as Trigger).type !== 'http') continue;
    const keys = effectiveAuth(app.auth, fn.auth)?.apiKeys;
    if (keys && keys.env !== false) names.add(keys.env ?? API_KEYS_ENV);
  }
  return [...names];
}

/** A secret's name in a cloud secret store for one of the app's variables: `<app>-polyfaas-api-keys`. */
export function secretName(app: AppDefinition, envName: string): string {
  return `${app.name}-${envName.toLowerCase().replace(/_/g, '-')}`;
}
