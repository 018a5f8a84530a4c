/**
 * The demo's app as each `serve({ workers })` process loads it (`npm start --
 * --workers <n>`): run.ts passes the bucket and training settings it built in
 * `POLYFAAS_FASHION_POOL` (forked workers inherit the environment), so every
 * worker runs the same pipeline as the parent routes. The progress hooks here
 * only relay each call to the parent over the pool's channel, where run.ts
 * replays them into its progress bars.
 */
import { PolyfaasError } from 'polyfaas';
import { sendToPoolParent } from 'polyfaas/local';
import { relayedHooks } from 'polyfaas/pipelines';
import { fashionMnistApp } from './app.js';
import type { PoolAppSettings } from './pool-settings.js';
import { POOL_APP_ENV } from './pool-settings.js';

function settings(): PoolAppSettings {
  const raw = process.env[POOL_APP_ENV];
  if (!raw) throw new PolyfaasError('InvalidArgument', `${POOL_APP_ENV} is not set: this module is loaded by npm start's worker pool`);
  return JSON.parse(raw) as PoolAppSettings;
}

export const app = fashionMnistApp({ ...settings(), hooks: relayedHooks((message) => sendToPoolParent(message)) });
