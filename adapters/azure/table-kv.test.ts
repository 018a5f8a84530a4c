import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPolyfaasError, openKeyValueStore } from '../../src/index.js';
import { runKeyValueConformance } from '../../src/testing/index.js';
import { startAzuriteTables } from '../../test/azure/azurite-table.js';
import { AzureTableKeyValueStore, CONNECTION_STRING_ENV, registerSchemes } from './index.js';

const azurite = await startAzuriteTables();
afterAll(() => azurite.stop());
const table = await azurite.table();
const { connectionString } = azurite;

runKeyValueConformance('azure tables (azurite)', {
  open: async () => new AzureTableKeyValueStore({ table, connectionString }),
  processes: { url: `aztable://${table}`, module: path.resolve(import.meta.dirname, 'index.ts'), env: { [CONNECTION_STRING_ENV]: connectionString } },
});

describe('AzureTableKeyValueStore', () => {
  it('opens by aztable:// URL with a prefix, apart from the same key without it', async () => {
    registerSchemes({ connectionString });
    const kv = await openKeyValueStore(`aztable://${table}?prefix=app:`);
    expect(kv.name).toBe(`aztable://${table}`);
    await kv.put('k', 'prefixed');
    await new AzureTableKeyValueStore({ table, connectionString }).put('k', 'bare');
    expect((await kv.get('k'))?.value).toBe('prefixed');
  });

  it('answers NotFound when the table does not exist', async () => {
    const kv = new AzureTableKeyValueStore({ table: 'nosuchtable', connectionString });
    expect(isPolyfaasError(await kv.get('x').catch((e: unknown) => e), 'NotFound')).toBe(true);
  });
});
