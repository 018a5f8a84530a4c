import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Examples and docs import 'polyfaas/...' exactly as users do; tests resolve those to the sources.
    alias: [
      { find: /^polyfaas$/, replacement: here('./src/index.ts') },
      { find: /^polyfaas\/(memory|local|aws|gcp|azure|redis)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^polyfaas\/adapter$/, replacement: here('./src/adapter.ts') },
      { find: /^polyfaas\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^polyfaas\/model$/, replacement: here('./src/model/index.ts') },
      { find: /^polyfaas\/pipelines$/, replacement: here('./pipelines/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'pipelines/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts'],
    // test/consumer/project is a user's project: its tests run inside it, against the packed package.
    exclude: ['node_modules/**', 'dist/**', 'test/consumer/project/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The AWS SDK's notice that its 2027 releases will need Node 22 is about the SDK's future, not the code under test.
    env: { POLYFAAS_LOG_LEVEL: 'silent', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // Two tfjs notices that say nothing about the code under test: tfjs-backend-cpu's advice to install tfjs-node
    // (polyfaas picks its backend on purpose, and initBackend logs it), and tfjs-core's platform being set twice when a
    // test imports a compiled entry natively beside vitest's own module graph (both share tfjs' global environment).
    // A third: the Functions Framework's own one-line log of a delivery the GCP adapter fails on purpose so that
    // Eventarc retries it (adapters/gcp/register.ts; one coded line, so a stack would still show). Conformance tests provoke those
    // failures and check their outcome; the line is what Cloud Logging would show, not a test result.
    onConsoleLog: (log) =>
      !log.includes('Hi, looks like you are running TensorFlow.js in Node.js') &&
      !log.includes('Platform node has already been set') &&
      !/^PolyfaasDeliveryError: [A-Za-z]+: [^\n]*\n?$/.test(log),
  },
});
