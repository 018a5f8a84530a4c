import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { renameSync, symlinkSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Confinement } from './fs-confine.js';

let dir: string;
let root: string;
let outside: string;
let confine: Confinement;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-confine-'));
  root = path.join(dir, 'root');
  outside = path.join(dir, 'outside');
  await mkdir(path.join(outside, 'sub'), { recursive: true });
  await writeFile(path.join(outside, 'sub', 'victim'), 'outside');
  await mkdir(path.join(root, 'real'), { recursive: true });
  await symlink(outside, path.join(root, 'real', 'link'));
  confine = new Confinement(root);
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code;
  }
};

describe('Confinement', () => {
  it('lstat checks: real directories pass, links are refused, missing ones are reported', () => {
    expect(confine.dirsAreReal(['real'])).toBe(true);
    expect(confine.dirsAreReal(['real', 'missing'])).toBe(false);
    expect(code(() => confine.dirsAreReal(['real', 'link']))).toBe('ELOOP');
    expect(code(() => confine.dirsAreReal(['real', 'link', 'sub']))).toBe('ELOOP');
    expect(code(() => confine.makeRealDirs(['real', 'link', 'new']))).toBe('ELOOP');
  });

  it('creates missing directories one level at a time, including a missing root', async () => {
    const fresh = new Confinement(path.join(dir, 'fresh', 'root'));
    fresh.makeRealDirs(['a', 'b']);
    expect(await readdir(path.join(dir, 'fresh', 'root', 'a'))).toEqual(['b']);
  });

  // What the descriptor check adds over the lstat checks: a directory path that passes
  // through a link (as after a swap that raced the checks) never gets a rename or unlink through.
  it('inDir refuses a directory reached through a link, even one the path walk followed', () => {
    expect(code(() => confine.inDir(['real', 'link'], () => 'ran'))).toBe('ELOOP');
    expect(code(() => confine.inDir(['real', 'link', 'sub'], (d) => unlinkSync(path.join(d, 'victim'))))).toBe('ELOOP');
    expect(confine.inDir(['real'], () => 'ran')).toBe('ran');
    expect(confine.inDir([], () => 'root itself')).toBe('root itself');
  });

  it('inDir hands out a path that stays bound to the checked directory when the path is swapped for a link', async () => {
    await mkdir(path.join(root, 'swap'));
    await writeFile(path.join(dir, 'new-body'), 'body');
    await writeFile(path.join(outside, 'target'), 'outside');
    confine.inDir(['swap'], (d) => {
      // An attacker swaps root/swap for a link to the outside between the check and the rename.
      renameSync(path.join(root, 'swap'), path.join(root, 'swapped-away'));
      symlinkSync(outside, path.join(root, 'swap'));
      renameSync(path.join(dir, 'new-body'), path.join(d, 'target'));
    });
    expect(await readFile(path.join(outside, 'target'), 'utf8')).toBe('outside');
    expect(await readFile(path.join(root, 'swapped-away', 'target'), 'utf8')).toBe('body');
  });

  it('openForRead refuses a file reached through a linked directory, not only a linked file', async () => {
    await expect(confine.openForRead(path.join(root, 'real', 'link', 'sub', 'victim'))).rejects.toMatchObject({ code: 'ELOOP' });
    await symlink(path.join(outside, 'sub', 'victim'), path.join(root, 'real', 'file-link'));
    await expect(confine.openForRead(path.join(root, 'real', 'file-link'))).rejects.toMatchObject({ code: 'ELOOP' });
    await writeFile(path.join(root, 'real', 'ok'), 'inside');
    const handle = await confine.openForRead(path.join(root, 'real', 'ok'));
    expect(await handle.readFile('utf8')).toBe('inside');
    await handle.close();
  });
});
