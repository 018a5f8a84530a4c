import type { TrainingConfig } from 'polyfaas/pipelines';

/** What run.ts hands its pool workers (see pool-app.ts). */
export interface PoolAppSettings {
  bucket: string;
  training: TrainingConfig;
}

/** The environment variable carrying {@link PoolAppSettings}: forked workers inherit it. */
export const POOL_APP_ENV = 'POLYFAAS_FASHION_POOL';
