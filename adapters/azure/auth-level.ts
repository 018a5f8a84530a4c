import { PolyfaasError } from '../../src/errors.js';

/** An Azure HTTP trigger's authorization level. */
export type AzureAuthLevel = 'anonymous' | 'function' | 'admin';

/** The app setting that overrides the default `function` authorization level of HTTP triggers. */
export const AUTH_LEVEL_ENV = 'POLYFAAS_AZURE_AUTH_LEVEL';

/** Private by default: `function` unless the app setting names another level; an unknown value is an error, not a silent downgrade. */
export function authLevelFromEnv(env: Readonly<Record<string, string | undefined>>): AzureAuthLevel {
  const value = env[AUTH_LEVEL_ENV];
  if (value === undefined || value === '') return 'function';
  if (value === 'anonymous' || value === 'function' || value === 'admin') return value;
  throw new PolyfaasError('InvalidArgument', `${AUTH_LEVEL_ENV} must be anonymous, function or admin`);
}
