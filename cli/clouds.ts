import type { Cloud, CloudBundler } from '../bundling/cloud-bundler.js';
import { PolyfaasError } from '../src/errors.js';

/**
 * The one table through which the CLI reaches the adapters' bundlers (an
 * architecture test keeps every other cli/ file away from adapters/<cloud>/bundle).
 * Each is loaded on demand, so the CLI never loads a cloud it is not asked for.
 */
export const CLOUD_BUNDLERS: Record<Cloud, () => Promise<CloudBundler>> = {
  aws: async () => (await import('../adapters/aws/bundle/bundler.js')).awsBundler,
  gcp: async () => (await import('../adapters/gcp/bundle/bundler.js')).gcpBundler,
  azure: async () => (await import('../adapters/azure/bundle/bundler.js')).azureBundler,
};

/** The bundler of the named cloud; `InvalidArgument` naming the clouds otherwise. */
export async function cloudBundler(cloud: string | undefined): Promise<CloudBundler> {
  const load = cloud !== undefined && Object.hasOwn(CLOUD_BUNDLERS, cloud) ? CLOUD_BUNDLERS[cloud as Cloud] : undefined;
  if (!load) throw new PolyfaasError('InvalidArgument', `Name a cloud: ${Object.keys(CLOUD_BUNDLERS).join(', ')} (got ${cloud ?? 'nothing'})`);
  return load();
}
