import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { azureHarness } from '../../test/azure/runtime-harness.js';
import { runSpamOnRuntime } from '../../examples/spam-detection/runtime-scenario.js';

/*
 * The spam app on Azure Functions: the handlers captured from the app's
 * `@azure/functions` registrations, run by the emulated host with blob
 * triggers over Azurite (see test/azure/runtime-harness.ts).
 */
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(() => azurite?.stop());

describe('spam detection on Azure Functions (captured registrations + Azurite)', () => {
  it('uploads the fixture, trains, evaluates, promotes and answers POST /classify', async () => {
    const { version, pipelineMs } = await runSpamOnRuntime(azureHarness(azurite));
    expect(version).toBeTruthy();
    console.info(`azure: pipeline ${pipelineMs} ms`);
  }, 300_000);
});
