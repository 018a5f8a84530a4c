import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord } from '../../src/index.js';
import { createLogger, createMessageEvent, createStorageEvent } from '../../src/index.js';
import type { MessageEvent } from '../../src/index.js';
import { defaultJournalDir, FileDeliveryJournal } from './file-journal.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function journal(): Promise<{ j: FileDeliveryJournal; dir: string; logs: LogRecord[] }> {
  const root = await mkdtemp(path.join(tmpdir(), 'polyfaas-fj-'));
  dirs.push(root);
  const logs: LogRecord[] = [];
  const dir = defaultJournalDir(root, 'my app');
  return { j: new FileDeliveryJournal(dir, createLogger({ level: 'debug', sink: (r) => logs.push(r) })), dir, logs };
}

const EVENTS = new Map<string, ReturnType<typeof createStorageEvent>>();
/** The same event for the same key, so a decoded copy can be compared with it. */
const event = (key: string) => {
  if (!EVENTS.has(key)) EVENTS.set(key, createStorageEvent({ kind: 'created', bucket: 'data', key, etag: '"1"', size: 1 }));
  return EVENTS.get(key) as ReturnType<typeof createStorageEvent>;
};

describe('FileDeliveryJournal', () => {
  it('lives in the bucket root\'s reserved metadata area, one directory per app', () => {
    expect(defaultJournalDir('/srv/data', 'my app')).toBe(path.join('/srv/data', '.polyfaas', 'delivery', 'my%20app'));
  });

  it('keeps pending events oldest first with their attempts, in whole files, and forgets settled ones', async () => {
    const { j, dir } = await journal();
    await j.record({ id: 'a', function: 'f', event: event('k/1'), attempts: 1 });
    await new Promise((r) => setTimeout(r, 2));
    const message = createMessageEvent({ queue: 'q', body: new Uint8Array([0, 200]) });
    await j.record({ id: 'b', function: 'g', event: message, attempts: 1 });
    await j.attempt('a', 2);
    expect(await readdir(path.join(dir, 'tmp'))).toEqual([]);

    const pending = await new FileDeliveryJournal(dir).pending();
    expect(pending.map((p) => [p.id, p.function, p.attempts])).toEqual([['a', 'f', 2], ['b', 'g', 1]]);
    expect(pending[0]?.event).toEqual(event('k/1'));
    expect([...(pending[1]?.event as MessageEvent).body]).toEqual([0, 200]);

    await j.settle('a');
    await j.settle('a');
    expect((await j.pending()).map((p) => p.id)).toEqual(['b']);
  });

  it('moves dead letters out of pending, lists them, and revives them with a fresh budget', async () => {
    const { j } = await journal();
    await j.record({ id: 'a', function: 'f', event: event('k/1'), attempts: 1 });
    await j.deadLetter('a', { id: 'a', function: 'f', event: event('k/1'), attempts: 3, error: { code: 'Unavailable', message: 'down' }, time: new Date(5) });
    expect(await j.pending()).toEqual([]);
    expect(await j.deadLetters()).toMatchObject([{ id: 'a', function: 'f', attempts: 3, error: { code: 'Unavailable', message: 'down' }, time: new Date(5) }]);

    const revived = await j.revive('a');
    expect(revived).toMatchObject({ id: 'a', function: 'f', attempts: 0, event: event('k/1') });
    expect(await j.deadLetters()).toEqual([]);
    expect((await j.pending()).map((p) => [p.id, p.attempts])).toEqual([['a', 0]]);
    expect(await j.revive('nope')).toBeUndefined();
  });

  it('skips and reports entries it cannot read, without failing the others', async () => {
    const { j, dir, logs } = await journal();
    await j.record({ id: 'ok', function: 'f', event: event('k/1'), attempts: 1 });
    await writeFile(path.join(dir, 'pending', 'torn.json'), '{"format":"polyfaas.deli');
    expect((await j.pending()).map((p) => p.id)).toEqual(['ok']);
    expect(logs.some((r) => r.msg === 'unreadable delivery journal entry skipped' && r.file === 'torn.json')).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, 'pending', 'ok.json'), 'utf8'))).toMatchObject({ format: 'polyfaas.delivery/v1', id: 'ok' });
  });
});
