import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'pipelines/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { POLYFAAS_LOG_LEVEL: 'silent' },
  },
});
