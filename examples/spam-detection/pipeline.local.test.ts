import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from 'polyfaas/pipelines';
import { loadFixture, QUICK_TRAINING } from './fixture.js';
import type { SpamRun } from './run.js';
import { runSpam } from './run.js';

describe('spam detection on the local runtime (file bucket + real HTTP server)', () => {
  let dir: string;
  let run: SpamRun;
  let log = '';
  const post = (body: string, type: string) => fetch(`${run.server.url}/classify`, { method: 'POST', headers: { 'content-type': type }, body });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-spam-'));
    run = await runSpam({ dataDir: dir, messages: await loadFixture(), training: QUICK_TRAINING }, { err: { write: (s: string) => (log += s) } });
  }, 300_000);

  afterAll(async () => {
    await run?.server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('completes the chain and writes the report, with both baselines, to disk', async () => {
    expect(run.server.deadLetters).toEqual([]);
    expect(run.report?.promoted).toBe(true);
    expect(run.report?.metrics.count).toBe(64);
    const html = await readFile(run.reportHtml as string, 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('naive Bayes (multinomial)');
    expect(html).toContain('bag-of-words dense net');
    expect(log).toMatch(/epoch 3\/3/);
  });

  it('classifies over HTTP: plain text, JSON batches from concurrent clients, and coded errors', async () => {
    const fixture = await loadFixture();
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const res = await post(JSON.stringify({ texts: [fixture[i]!.text, fixture[300 - i]!.text] }), 'application/json');
        expect(res.status).toBe(200);
        return (await res.json()) as ClassifyResponse;
      }),
    );
    expect(new Set(answers.map((a) => a.version))).toEqual(new Set([run.report?.version]));
    for (const a of answers) expect(a.results).toHaveLength(2);
    const plain = await post('Subject: meeting notes\nSee the attached agenda for tomorrow.', 'text/plain; charset=utf-8');
    expect(((await plain.json()) as ClassifyResponse).results[0]?.label).toMatch(/^(ham|spam)$/);
    const tooMany = await post(JSON.stringify({ texts: Array.from({ length: 100 }, () => 'hi') }), 'application/json');
    expect(tooMany.status).toBe(413);
    const body = (await tooMany.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('PayloadTooLarge');
    expect(body.error.message).not.toMatch(/\/tmp|at .*\.ts/);
    const html = await post('<b>hi</b>', 'text/html');
    expect(html.status).toBe(415);
  });
});
