import { afterAll, beforeAll } from 'vitest';
import { runIdempotencyConformance } from '../../src/testing/index.js';
import type { Azurite } from '../../test/azure/azurite.js';
import { startAzurite } from '../../test/azure/azurite.js';
import { startAzuriteTables } from '../../test/azure/azurite-table.js';
import { azureHarness } from '../../test/azure/runtime-harness.js';
import { memoryHarness } from '../../test/support/memory-harness.js';
import { BucketKeyValueStore } from '../../src/adapter.js';
import { AzureBlobBucket, AzureTableKeyValueStore } from './index.js';

const tables = await startAzuriteTables();
const table = await tables.table('idem');
let azurite: Azurite;
let records: string;
beforeAll(async () => {
  azurite = await startAzurite();
  records = await azurite.container('idem');
});
afterAll(async () => {
  await azurite?.stop();
  await tables.stop();
});

const openTable = async () => new AzureTableKeyValueStore({ table, connectionString: tables.connectionString });

runIdempotencyConformance('azure (captured @azure/functions handlers) × azure tables (azurite)', {
  runtime: { start: (app, options) => azureHarness(azurite).start(app, options) },
  openStore: openTable,
});

runIdempotencyConformance('memory runtime × azure tables (azurite)', { runtime: memoryHarness, openStore: openTable });

// The bucket-backed store over Azurite's blob service: CAS through blob ETags (If-Match / If-None-Match).
runIdempotencyConformance('memory runtime × bucket-backed store on Azure Blob (azurite)', {
  runtime: memoryHarness,
  openStore: async () => new BucketKeyValueStore(new AzureBlobBucket({ container: records, connectionString: azurite.connectionString })),
});
