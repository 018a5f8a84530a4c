import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClassifyResponse } from '../../pipelines/text-classification/index.js';
import { loadFixture } from '../../examples/spam-detection/fixture.js';
import { commands, printHelp, runCommand } from '../registry.js';

/**
 * Issue #17: the one-command flow for text. `polyfaas train <file.jsonl>` on
 * the committed 320-message SpamAssassin subset, in a child process as a user
 * runs it: upload, train with a progress bar, report, then the served model
 * answers POST /classify.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = join(ROOT, 'examples/spam-detection/data/fixture.jsonl');
let dir: string;
let firstVersion: string | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-train-text-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('polyfaas train <file.jsonl> (child process, the committed mail fixture)', () => {
  it('trains the text pipeline, prints the report and a curl line, and serves POST /classify', async () => {
    const dataDir = join(dir, 'bucket');
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'train', FIXTURE, '--port', '0', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((done) => child.once('close', done));
    try {
      const url = await new Promise<string>((done, fail) => {
        child.stdout.on('data', (d: Buffer) => {
          stdout += d.toString();
          const m = /serving on (http:\/\/\S+)\n(?:.*\n)*\(ctrl-c to stop\)/.exec(stdout);
          if (m) done(m[1] as string);
        });
        void exited.then((code) => fail(new Error(`polyfaas train exited ${code} before serving:\n${stdout}\n${stderr}`)));
      });
      const ms = Date.now() - started;
      expect(stderr).toContain('2 labels (ham, spam); 256 train / 64 test texts (split here: 20% test, seed 42)\nuploaded: 4 file(s) written; the pipeline is running');
      expect(stderr).toMatch(/train \[#+\] 100%/);
      expect(stderr).toMatch(/epoch 4\/4: loss/);
      expect(stdout).toMatch(/^model fixture \S+: accuracy \d+\.\d+%, macro F1 \d\.\d{3} on 64 test texts\n/);
      firstVersion = /^model fixture (\S+):/.exec(stdout)?.[1];
      const report = /report: (\S+\.html)/.exec(stdout)?.[1];
      expect(report?.startsWith(dataDir) && existsSync(report)).toBe(true);
      expect(stdout).toMatch(/POST \/classify with a test text labelled (ham|spam) → (ham|spam) \(\d+\.\d%\)/);
      expect(stdout).toContain(`curl -s -X POST -H 'content-type: text/plain' --data 'some text to classify' ${url}/classify`);
      // Four epochs on 256 messages learn the task: well above the 62.5 % of always answering "ham".
      const accuracy = Number(/accuracy (\d+\.\d+)%/.exec(stdout)?.[1]);
      expect(accuracy).toBeGreaterThan(80);

      const messages = await loadFixture();
      const res = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ texts: [messages[0]!.text, messages[319]!.text] }) });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ClassifyResponse;
      expect(body.model).toBe('fixture');
      expect(body.results.map((r) => Object.keys(r.probabilities))).toEqual([
        ['ham', 'spam'],
        ['ham', 'spam'],
      ]);
      process.stderr.write(`polyfaas train (text): ${ms} ms to a served model, test accuracy ${accuracy}%\n`);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 180_000);

  it('run again with --exit: nothing uploaded or trained twice, same model, exit 0', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'train', FIXTURE, '--port', '0', '--data-dir', join(dir, 'bucket'), '--exit'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await new Promise((done) => child.once('close', done)), stderr).toBe(0);
    expect(stderr).toContain('nothing changed since the last upload');
    expect(stderr).not.toMatch(/epoch \d/);
    expect(firstVersion).toBeDefined();
    expect(stdout).toMatch(new RegExp(`^model fixture ${firstVersion}: accuracy`));
    expect(stdout).not.toContain('serving on');
  }, 60_000);
});

describe('polyfaas train refuses unusable text data', () => {
  const run = async (args: string[]) => {
    const c = { out: '', err: '' };
    const io = { out: { write: (s: string) => ((c.out += s), true) }, err: { write: (s: string) => ((c.err += s), true) }, printHelp };
    return { code: await runCommand(args, commands, io), ...c };
  };

  it('names the problem and the fix, with a code, and leaves no bucket folder behind', async () => {
    const bucket = join(dir, 'never-created');
    const cases: [string, string, RegExp][] = [
      ['no-label.csv', 'text,category\nhello,a\nbye,b\n', /no-label\.csv has no column "label" \(columns: text, category\); choose the columns with --text-column and --label-column \[InvalidArgument\]/],
      ['one-class.csv', 'text,label\nhello,a\nbye,a\n', /Only one label \(a\) in one-class\.csv: a classifier needs at least two; add texts of each other class \[InvalidArgument\]/],
      ['empty.jsonl', '', /empty\.jsonl holds no labelled texts \[InvalidArgument\]/],
      ['lonely.jsonl', '{"text":"a","label":"x"}\n{"text":"b","label":"x"}\n{"text":"c","label":"y"}\n', /Label\(s\) y have a single text: every label needs at least two/],
    ];
    for (const [name, content, message] of cases) {
      await writeFile(join(dir, name), content);
      const r = await run(['train', join(dir, name), '--data-dir', bucket, '--port', '0']);
      expect(r.code, name).toBe(1);
      expect(r.err, name).toMatch(message);
      expect(r.err).not.toContain(dir);
    }
    expect(existsSync(bucket)).toBe(false);
  });

  it('refuses a bad text option before reading anything', async () => {
    const r = await run(['train', join(dir, 'no-label.csv'), '--label-column', 'category', '--architecture', 'rnn']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--architecture must be gru, lstm or conv1d, got rnn \[InvalidArgument\]/);
  });
});
