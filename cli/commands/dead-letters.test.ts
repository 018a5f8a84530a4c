import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultJournalDir, FileDeliveryJournal } from '../../adapters/local/file-journal.js';
import { createStorageEvent } from '../../src/index.js';
import { deadLettersCommand } from './dead-letters.js';

describe('polyfaas dead-letters', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'polyfaas-dl-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('prints each dead letter of an app, found from its bucket root, as one JSON line', async () => {
    const journal = new FileDeliveryJournal(defaultJournalDir(root, 'my app'));
    const event = createStorageEvent({ kind: 'created', bucket: 'data', key: 'k/1', etag: '"1"', size: 1 });
    await journal.record({ id: 'a', function: 'f', event, attempts: 1 });
    await journal.deadLetter('a', { id: 'a', function: 'f', event, attempts: 3, error: { code: 'Unavailable', message: 'down' }, time: new Date(5) });
    let out = '';
    const io = { out: { write: (s: string) => ((out += s), true) }, err: { write: () => true } };
    expect(await deadLettersCommand([root, '--app', 'my app'], io)).toBe(0);
    expect(JSON.parse(out)).toEqual({ id: 'a', function: 'f', attempts: 3, error: { code: 'Unavailable', message: 'down' }, time: new Date(5).toISOString(), subject: 'k/1' });
  });
});
