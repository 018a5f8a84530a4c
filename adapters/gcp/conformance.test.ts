import { afterAll, beforeAll } from 'vitest';
import { runRuntimeConformance } from '../../src/testing/index.js';
import { GcsStandIn } from '../../test/gcp/gcs-stand-in.js';
import { gcpHarness } from '../../test/gcp/runtime-harness.js';

let standIn: GcsStandIn;
beforeAll(async () => {
  standIn = await GcsStandIn.start();
});
afterAll(async () => {
  await standIn?.close();
});

// HTTP requests and CloudEvents travel over loopback to real Functions Framework servers.
runRuntimeConformance('gcp (Functions Framework servers + GCS stand-in + Eventarc stand-in)', {
  start: (app, options) => gcpHarness(standIn).start(app, options),
});
