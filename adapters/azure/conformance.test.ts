import { afterAll, beforeAll } from 'vitest';
import { runRuntimeConformance } from '../../src/testing/index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { azureHarness } from '../../test/azure/runtime-harness.js';

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
});

runRuntimeConformance(
  'azure (captured @azure/functions handlers, blob triggers over Azurite)',
  { start: (app, opts) => azureHarness(azurite).start(app, opts) },
  { timeoutMs: 60_000 },
);
