import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { gcpHarness } from '../../test/gcp/runtime-harness.js';
import { runSpamOnRuntime } from '../../examples/spam-detection/runtime-scenario.js';

/*
 * The spam app on Google Cloud Functions: every function served by its own
 * Functions Framework server on loopback, storage events pushed as CloudEvents
 * by the Eventarc stand-in over the GCS stand-in (see test/gcp/runtime-harness.ts).
 */
let standIn: GcsStandIn;
beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(() => standIn?.close());

describe('spam detection on Google Cloud Functions (Functions Framework + GCS and Eventarc stand-ins)', () => {
  it('uploads the fixture, trains, evaluates, promotes and answers POST /classify', async () => {
    const { version, pipelineMs } = await runSpamOnRuntime(gcpHarness(standIn));
    expect(version).toBeTruthy();
    console.info(`gcp: pipeline ${pipelineMs} ms`);
  }, 300_000);
});
