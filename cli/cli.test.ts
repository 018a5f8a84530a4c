import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { missingPackages } from '../bundling/entry/packages.js';
import { commands, printHelp, runCommand } from './registry.js';

function capture() {
  let out = '';
  let err = '';
  return {
    io: { out: { write: (s: string) => ((out += s), true) }, err: { write: (s: string) => ((err += s), true) }, printHelp },
    get out() {
      return out;
    },
    get err() {
      return err;
    },
  };
}

describe('polyfaas CLI', () => {
  it('prints help listing every command', async () => {
    const c = capture();
    expect(await runCommand(['--help'], commands, c.io)).toBe(0);
    for (const name of Object.keys(commands)) expect(c.out).toContain(name);
  });

  it.each(Object.keys(commands))('has --help for "%s"', async (name) => {
    const c = capture();
    expect(await runCommand([name, '--help'], commands, c.io)).toBe(0);
    expect(c.out).toContain(`polyfaas ${name}`);
  });

  it('rejects unknown commands with exit code 2', async () => {
    const c = capture();
    expect(await runCommand(['nope'], commands, c.io)).toBe(2);
    expect(c.err).toContain('unknown command "nope"');
  });

  it('reports coded errors without a stack trace', async () => {
    const c = capture();
    expect(await runCommand(['serve'], commands, c.io)).toBe(1);
    expect(c.err).toMatch(/Missing <app-module>.*\[InvalidArgument\]/);
  });

  it('puts the error code on the first line, so the npm install line below copies as it is', async () => {
    const c = capture();
    const failing = { needy: { summary: 's', usage: 'polyfaas needy', run: () => Promise.reject(missingPackages('polyfaas needy', ['@azure/functions', '@azure/storage-blob'])) } };
    expect(await runCommand(['needy', 'x.ts'], failing, c.io)).toBe(1);
    const { peerDependencies: peers } = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { peerDependencies: Record<string, string> };
    expect(c.err).toBe(
      'polyfaas needy: polyfaas needy needs @azure/functions, @azure/storage-blob, not installed here. [PreconditionFailed]\n' +
        `Install with:\n  npm install @azure/functions@${peers['@azure/functions']} @azure/storage-blob@${peers['@azure/storage-blob']}\n`,
    );
  });

  it('prints the version', async () => {
    const c = capture();
    expect(await runCommand(['version'], commands, c.io)).toBe(0);
    expect(c.out).toMatch(/^\d+\.\d+\.\d+/);
  });
});
