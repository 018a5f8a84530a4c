import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and docs import 'polyfaas/...' exactly as users do; tests resolve those to the sources.
    alias: [
      { find: /^polyfaas$/, replacement: here('./src/index.ts') },
      { find: /^polyfaas\/(memory|local|aws|gcp|azure|redis)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^polyfaas\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^polyfaas\/model$/, replacement: here('./src/model/index.ts') },
      { find: /^polyfaas\/pipelines$/, replacement: here('./pipelines/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'pipelines/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { POLYFAAS_LOG_LEVEL: 'silent' },
  },
});
