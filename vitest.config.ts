import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Library notices that say nothing about the code under test, dropped from vitest's output:
 * - tfjs-backend-cpu's advice to install tfjs-node (polyfaas picks its backend on purpose, and initBackend logs it);
 * - tfjs-core's platform being set twice when a test imports a compiled entry natively beside vitest's own module
 *   graph (both share tfjs' global environment);
 * - the Functions Framework's one-line log of a delivery the GCP adapter fails on purpose so that Eventarc retries it
 *   (adapters/gcp/register.ts): conformance tests provoke those failures and check their outcome. Only coded one-line
 *   messages match (vitest may join consecutive ones), so a stack trace would still show;
 * - the Functions Framework's advice on a Pub/Sub push path without a topic, which test/fuzz sends on purpose.
 */
const QUIET_NOTICES = [
  /Hi, looks like you are running TensorFlow\.js in Node\.js/,
  /Platform node has already been set/,
  /^(?:PolyfaasDeliveryError: [A-Za-z]+: [^\n]*\n?)+$/,
  /^(?:(?:Failed to extract the topic name from the URL path\.|Configure your subscription's push endpoint to use the following path: {2}projects\/PROJECT_NAME\/topics\/TOPIC_NAME)\n?)+$/,
];

export default defineConfig({
  resolve: {
    // Examples and docs import 'polyfaas/...' exactly as users do; tests resolve those to the sources.
    alias: [
      { find: /^polyfaas$/, replacement: here('./src/index.ts') },
      { find: /^polyfaas\/(memory|local|aws|gcp|azure|redis)$/, replacement: here('./adapters/$1/index.ts') },
      { find: /^polyfaas\/adapter$/, replacement: here('./src/adapter.ts') },
      { find: /^polyfaas\/testing$/, replacement: here('./src/testing/index.ts') },
      { find: /^polyfaas\/model$/, replacement: here('./src/model/index.ts') },
      { find: /^polyfaas\/model-import$/, replacement: here('./src/model/model-import.ts') },
      { find: /^polyfaas\/pipelines$/, replacement: here('./pipelines/index.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'adapters/**/*.test.ts', 'pipelines/**/*.test.ts', 'examples/**/*.test.ts', 'test/**/*.test.ts', 'cli/**/*.test.ts', 'bundling/**/*.test.ts'],
    // test/consumer/project is a user's project: its tests run inside it, against the packed package.
    exclude: ['node_modules/**', 'dist/**', 'test/consumer/project/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The AWS SDK's notice that its 2027 releases will need Node 22 is about the SDK's future, not the code under test.
    env: { POLYFAAS_LOG_LEVEL: 'silent', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    onConsoleLog: (log) => !QUIET_NOTICES.some((notice) => notice.test(log)),
  },
});
