import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleOptions, CloudBundler } from './cloud-bundler.js';
import { runBundleCommand } from './command.js';

interface FakeOptions extends BundleOptions {
  needs: string[];
  fail: boolean;
}

/** A bundler that records each step, so the driver's order and folder choice show. */
function fakeBundler(steps: string[]): CloudBundler<FakeOptions, { appName: string }, string> {
  return {
    cloud: 'aws',
    usage: 'polyfaas bundle fake <entry-file>',
    flags(args) {
      steps.push('flags');
      if (args.includes('--help')) return { help: true };
      const out = args.indexOf('--out');
      return {
        help: false,
        entry: args.find((a) => a.endsWith('.ts')),
        options: { needs: args.filter((a) => a.startsWith('pkg:')).map((a) => a.slice(4)), fail: args.includes('--fail'), ...(out >= 0 ? { outDir: args[out + 1] as string } : {}) },
      };
    },
    packages: (options) => (steps.push('packages'), options.needs),
    plan: async (entry) => (steps.push(`plan ${entry}`), { appName: 'fake-app' }),
    async write(_plan, outDir) {
      steps.push(`write ${outDir}`);
      await mkdir(join(outDir, 'fn'), { recursive: true });
      await writeFile(join(outDir, 'fn', 'index.mjs'), '');
      return outDir;
    },
    report: (result) => `wrote ${result}\n`,
  };
}

function io() {
  let out = '';
  return { io: { out: { write: (s: string) => ((out += s), true) }, err: { write: () => true } }, out: () => out };
}

describe('runBundleCommand', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'polyfaas-bundle-cmd-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints the usage for --help and does nothing else', async () => {
    const steps: string[] = [];
    const c = io();
    expect(await runBundleCommand(fakeBundler(steps), ['--help'], c.io)).toBe(0);
    expect(c.out()).toBe('polyfaas bundle fake <entry-file>\n');
    expect(steps).toEqual(['flags']);
  });

  it('wants an entry, and names every missing package in one error before planning', async () => {
    const steps: string[] = [];
    await expect(runBundleCommand(fakeBundler(steps), [], io().io)).rejects.toMatchObject({ code: 'InvalidArgument' });
    const err = (await runBundleCommand(fakeBundler(steps), ['app.ts', 'pkg:polyfaas-absent-a', 'pkg:polyfaas-absent-b'], io().io).catch((e: unknown) => e)) as Error & { code: string };
    expect(err.code).toBe('PreconditionFailed');
    expect(err.message).toContain('polyfaas bundle aws needs polyfaas-absent-a, polyfaas-absent-b');
    expect(steps.some((s) => s.startsWith('plan'))).toBe(false);
  });

  it('plans, writes into --out and prints the report', async () => {
    const steps: string[] = [];
    const c = io();
    const out = join(dir, 'given');
    expect(await runBundleCommand(fakeBundler(steps), ['app.ts', '--out', out], c.io)).toBe(0);
    expect(steps).toEqual(['flags', 'packages', 'plan app.ts', `write ${out}`]);
    expect(c.out()).toBe(`wrote ${out}\n`);
    expect(existsSync(join(out, 'fn', 'index.mjs'))).toBe(true);
  });

  it('writes into .polyfaas/<cloud>/<app> by default', async () => {
    const steps: string[] = [];
    const bundler = { ...fakeBundler(steps), write: async (_plan: unknown, outDir: string) => (steps.push(`write ${outDir}`), outDir) };
    await runBundleCommand(bundler, ['app.ts'], io().io);
    expect(steps.at(-1)).toBe(`write ${resolve('.polyfaas', 'aws', 'fake-app')}`);
  });

  it('leaves no new folder when writing fails', async () => {
    const steps: string[] = [];
    const failing = fakeBundler(steps);
    const write = failing.write.bind(failing);
    failing.write = async (plan, outDir) => {
      await write(plan, outDir);
      throw new Error('esbuild broke');
    };
    const out = join(dir, 'new', 'nested');
    await expect(runBundleCommand(failing, ['app.ts', '--out', out], io().io)).rejects.toThrow('esbuild broke');
    expect(existsSync(join(dir, 'new'))).toBe(false);
  });
});
