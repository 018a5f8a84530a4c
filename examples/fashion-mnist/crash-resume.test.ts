import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EvaluationReport } from 'polyfaas/pipelines';
import { FIXTURE_DIR } from './data/source.js';

/**
 * Issue #12 §4: `npm start -- --exit` killed with SIGKILL at several points,
 * then run again with the same command, finishes with a promoted model,
 * resumes training from its checkpoint, and does nothing twice that must be
 * done once. Kill points are found from the child's own log lines.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const ARGS = ['--exit', '--port', '0', '--limit', '600', '--epochs', '3', '--checkpoint-every', '5', '--verbose'];

interface Run {
  killed: boolean;
  code: number | null;
  stdout: string;
  log: Record<string, unknown>[];
  text: string;
  ms: number;
}

/** Run the demo; SIGKILL it as soon as a stderr line matches `killOn`. */
function runDemo(dataDir: string, killOn?: RegExp): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/fashion-mnist/main.ts', ...ARGS, '--data-dir', dataDir], {
    cwd: ROOT,
    env: { ...process.env, FASHION_MNIST_DIR: FIXTURE_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let text = '';
  let pending = '';
  let killed = false;
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      text += `${line}\n`;
      if (!killed && killOn?.test(line)) {
        killed = true;
        child.kill('SIGKILL');
      }
    }
  });
  return new Promise((done) =>
    child.once('close', (code) => {
      text += pending;
      const log = text
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      done({ killed, code, stdout, log, text, ms: Date.now() - started });
    }),
  );
}

async function list(dir: string, sub: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(child);
      else out.push(child);
    }
  };
  await walk(sub);
  return out.sort();
}

const json = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const results: string[] = [];

/** Everything that must exist exactly once after a finished run, checked on disk. */
async function expectDoneOnce(dir: string, rerun: Run): Promise<EvaluationReport> {
  expect(rerun.code, rerun.text.slice(-2000)).toBe(0);
  expect(rerun.text).not.toMatch(/no model was produced|FAILED /);
  const report = JSON.parse(rerun.stdout.trim().split('\n').at(-1) as string) as EvaluationReport;
  expect(report.promoted).toBe(true);
  const files = await list(dir, '');
  const versions = files.filter((f) => /^models\/fashion-mnist\/versions\/[^/]+\/manifest\.json$/.test(f));
  expect(versions).toEqual([`models/fashion-mnist/versions/${report.version}/manifest.json`]);
  // One evaluation report and, beside it, the run's cost (written by the run after its report).
  expect(files.filter((f) => f.startsWith('reports/') && f.endsWith('.json'))).toEqual([`reports/fashion-mnist/${report.version}.cost.json`, `reports/fashion-mnist/${report.version}.json`]);
  for (const split of ['train', 'test']) {
    expect(files).toContain(`features/fashion-mnist/${split}/manifest.json`);
    const batches = new Set(files.filter((f) => f.startsWith(`features/fashion-mnist/${split}/batches/`)).map((f) => f.split('/')[4]));
    expect(batches.size).toBe(1);
  }
  const runs = new Set(files.filter((f) => f.startsWith('jobs/train/')).map((f) => f.split('/')[2]));
  expect(runs.size).toBe(1);
  expect(files.filter((f) => f.startsWith('runs/') && f.includes('/checkpoint/'))).toEqual([]);
  const alias = await json<{ version: string }>(join(dir, 'models/fashion-mnist/aliases/production.json'));
  expect(alias.version).toBe(report.version);
  // The journal is empty: every event settled, none dead.
  expect(files.filter((f) => f.startsWith('.polyfaas/delivery/'))).toEqual([]);
  return report;
}

describe('npm start -- --exit survives kill -9 (issue #12 §4)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-crash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    process.stderr.write(`\nkill -9 resume results:\n${results.join('\n')}\n`);
  });

  it('killed during preprocess: the rerun preprocesses once, trains and promotes', async () => {
    const data = join(dir, 'preprocess');
    const killed = await runDemo(data, /^preprocess (train|test) /);
    expect(killed.killed).toBe(true);
    // Killed before either split's features were complete.
    expect((await list(data, 'features')).filter((f) => f.endsWith('manifest.json')).length).toBeLessThan(2);
    const rerun = await runDemo(data);
    const report = await expectDoneOnce(data, rerun);
    expect(rerun.log.some((r) => r.msg === 'redelivering events left in flight by an earlier run')).toBe(true);
    expect(rerun.log.some((r) => r.msg === 'resuming training from checkpoint')).toBe(false);
    results.push(`  during preprocess: killed after ${killed.ms} ms; training from step 0; accuracy ${report.metrics.accuracy}; rerun ${rerun.ms} ms`);
  }, 60_000);

  it('killed mid-training after a checkpoint: the rerun resumes from the checkpoint, not step 0', async () => {
    const data = join(dir, 'train');
    const killed = await runDemo(data, /^ {2}epoch 1: /);
    expect(killed.killed).toBe(true);
    const [state] = (await list(data, 'runs')).filter((f) => f.endsWith('/checkpoint/state.json'));
    expect(state).toBeDefined();
    const step = (await json<{ position: { step: number } }>(join(data, state as string))).position.step;
    expect(step).toBeGreaterThan(0);
    expect(await list(data, 'models')).toEqual([]);

    const rerun = await runDemo(data);
    const report = await expectDoneOnce(data, rerun);
    const resumed = rerun.log.find((r) => r.msg === 'resuming training from checkpoint');
    expect(resumed).toMatchObject({ step });
    // Epoch 1 ended before the kill; the rerun trains only what was left.
    expect(rerun.log.filter((r) => r.msg === 'epoch done').map((r) => r.epoch)).toEqual(step >= 10 ? [2, 3] : [1, 2, 3]);
    results.push(`  mid-training: killed after ${killed.ms} ms; resumed from step ${step}; accuracy ${report.metrics.accuracy}; rerun ${rerun.ms} ms`);
  }, 60_000);

  it('killed during evaluation: the rerun evaluates once and promotes, without training again', async () => {
    const data = join(dir, 'evaluate');
    const killed = await runDemo(data, /"msg":"evaluating candidate"/);
    expect(killed.killed).toBe(true);
    expect(await list(data, 'reports')).toEqual([]);
    const rerun = await runDemo(data);
    const report = await expectDoneOnce(data, rerun);
    expect(rerun.log.filter((r) => r.msg === 'epoch done')).toEqual([]);
    expect(rerun.log.filter((r) => r.msg === 'candidate evaluated')).toHaveLength(1);
    results.push(`  during evaluation: killed after ${killed.ms} ms; training not repeated; accuracy ${report.metrics.accuracy}; rerun ${rerun.ms} ms`);
  }, 60_000);
});
