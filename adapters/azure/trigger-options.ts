import type { HttpTrigger, ScheduleTrigger, StorageTrigger } from '../../src/index.js';
import { PolyfaasError } from '../../src/index.js';

/** Every method an Azure HTTP trigger accepts, for `method: '*'` and the fallback route. */
export const ALL_HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** An Azure HTTP method. */
export type AzureHttpMethod = (typeof ALL_HTTP_METHODS)[number];

/** `/items/:id` → `items/{id}` (Azure route templates have no leading slash). */
export function toAzureRoute(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
    .join('/');
}

/** The Azure methods of an HTTP trigger; a GET route answers HEAD too, as on every adapter. */
export function toAzureMethods(trigger: HttpTrigger): AzureHttpMethod[] {
  if (trigger.method === '*') return [...ALL_HTTP_METHODS];
  return trigger.method === 'GET' ? ['GET', 'HEAD'] : [trigger.method];
}

/**
 * A 5-field UTC cron as Azure's 6-field NCRONTAB (seconds first). Azure reads
 * schedules in UTC unless the app sets `WEBSITE_TIME_ZONE`, which must stay unset.
 */
export function toNcrontab(trigger: ScheduleTrigger): string {
  return `0 ${trigger.cron.trim().split(/\s+/).join(' ')}`;
}

/**
 * The blob-trigger path for a storage trigger on a bucket bound to
 * `container/prefix`: `container/prefix<trigger prefix>{name}<suffix>`.
 * Literal braces are doubled, as Azure binding expressions require.
 */
export function toBlobPath(binding: { container: string; prefix: string }, trigger: StorageTrigger): string {
  const escape = (s: string) => s.replace(/\{/g, '{{').replace(/\}/g, '}}');
  return `${binding.container}/${escape(binding.prefix + (trigger.prefix ?? ''))}{name}${escape(trigger.suffix ?? '')}`;
}

/** Azure function names: the polyfaas name, or a derived one that must not collide. */
export function derivedFunctionName(base: string, suffix: string, taken: ReadonlySet<string>): string {
  const name = `${base}-${suffix}`;
  if (taken.has(name)) {
    throw new PolyfaasError('InvalidArgument', `Azure needs a function named "${name}" for ${base}, but the app already has one; rename it`);
  }
  return name;
}
