import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BENCHES } from '../bench/registry.js';

const root = resolve(import.meta.dirname, '..');
const bench = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('npm run bench', () => {
  it('--help lists the options and every benchmark, and runs nothing', () => {
    const res = bench('--help');
    expect(res.status).toBe(0);
    expect(res.stdout).toMatch(/Usage: npm run bench/);
    for (const option of ['--quick', '--only', '--out']) expect(res.stdout).toContain(option);
    for (const name of BENCHES) expect(res.stdout).toContain(name);
  }, 30_000);

  it('refuses unknown options and benchmarks with the usage and exit code 2', () => {
    for (const args of [['--bogus'], ['--only', 'cold-start,nope']]) {
      const res = bench(...args);
      expect(res.status, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/Usage: npm run bench/);
    }
  }, 30_000);

  it('every benchmark module answers --help with its documentation instead of running', async () => {
    const runs = BENCHES.map(
      (name) =>
        new Promise<{ name: string; status: number | null; stdout: string }>((done) => {
          const child = spawn(process.execPath, ['--import', 'tsx', `bench/${name}.ts`, '--help'], { cwd: root });
          let stdout = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.on('close', (status) => done({ name, status, stdout }));
        }),
    );
    for (const { name, status, stdout } of await Promise.all(runs)) {
      expect(status, name).toBe(0);
      // The module's own doc comment, long enough to say what it measures.
      expect(stdout.length, name).toBeGreaterThan(200);
      expect(stdout, `${name} ran instead of explaining itself`).not.toMatch(/^metric\s+baseline/m);
    }
  }, 120_000);
});
