import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');

describe('README', () => {
  it('shows the example that examples/hello/hello.test.ts runs, verbatim', async () => {
    const readme = await readFile(resolve(root, 'README.md'), 'utf8');
    const block = /## A function, unit-tested in memory\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(block).toBe(await readFile(resolve(root, 'examples/hello/hello.test.ts'), 'utf8'));
    expect(block?.split('\n').length).toBeLessThanOrEqual(25);
  });

  it('names the two commands CI and newcomers use', async () => {
    const readme = await readFile(resolve(root, 'README.md'), 'utf8');
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm ci && npm test');
    const ci = await readFile(resolve(root, '.ci/run'), 'utf8');
    expect(ci).toMatch(/npm ci\s*\nnpm test/);
  });
});
