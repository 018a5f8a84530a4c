import { afterAll, beforeAll } from 'vitest';
import { AzureTableKeyValueStore } from './index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { startAzuriteTables } from '../../test/azure/azurite-table.js';
import { azureHarness } from '../../test/azure/runtime-harness.js';
import { runDuplicateDeliverySuite } from '../../test/support/fashion-duplicate-delivery.js';

// Azure: the adapter's registered handlers on the emulated host, blob triggers delivered twice, Azure Tables (Azurite) for state.
const tables = await startAzuriteTables();
let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.stop();
  await tables.stop();
});

runDuplicateDeliverySuite('azure (emulated Functions host, Azurite blobs) × azure tables (azurite)', {
  runtime: { start: (app, options) => azureHarness(azurite).start(app, options) },
  openState: async () => new AzureTableKeyValueStore({ table: await tables.table('fashionstate'), connectionString: tables.connectionString }),
});
