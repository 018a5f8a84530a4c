import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PredictResponse } from '../../pipelines/image-classification/index.js';
import { encodeFixture, FOLDER_CLASSES, readFixture, writeImageFolder } from '../../pipelines/image-classification/test-support/image-folder.js';
import { commands, printHelp, runCommand } from '../registry.js';

/**
 * Issue #15 §3: `polyfaas train <folder>` on a real folder of real images
 * (the committed Fashion-MNIST subset written as PNG files per class, plus a
 * JPEG and a corrupt file), in a child process as a user runs it: one
 * command, one epoch, then the served model answers POST /predict.
 */
const ROOT = resolve(import.meta.dirname, '../..');
let dir: string;
let folder: string;
let dataDir: string;
let firstVersion: string | undefined;

interface Child {
  stdout: string;
  stderr: string;
  code: Promise<number | null>;
  kill: () => void;
  /** Resolves with the first match of `pattern` on stdout. */
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
}

function polyfaas(args: string[]): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Child = {
    stdout: '',
    stderr: '',
    code: new Promise((done) => child.once('close', done)),
    kill: () => child.kill('SIGTERM'),
    waitFor: (pattern) =>
      new Promise((done, fail) => {
        const look = () => {
          const m = pattern.exec(out.stdout);
          if (m) done(m);
        };
        child.stdout.on('data', look);
        void out.code.then((code) => fail(new Error(`polyfaas train exited ${code} before printing ${pattern}:\n${out.stdout}\n${out.stderr}`)));
      }),
  };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyfaas-train-'));
  folder = join(dir, 'clothes');
  dataDir = join(dir, 'bucket');
  // 10 classes × 30 real PNGs, a JPEG, a corrupt file, a hidden file and a note: what a user's folder looks like.
  expect(await writeImageFolder(folder, { perClass: 30 })).toBe(300);
  await writeFile(join(folder, 'Bag', 'phone photo.jpg'), await encodeFixture(await readFixture('train'), 1999, 'jpeg'));
  // A phone-sized photo (1.2 MP, over the 1 MP a 28×28 model allows untrusted uploads): your own files are accepted.
  await writeFile(join(folder, 'Sneaker', 'IMG_0001.JPG'), await sharp(await encodeFixture(await readFixture('train'), 6)).resize(1200, 1000).jpeg().toBuffer());
  await writeFile(join(folder, 'Coat', 'broken.png'), Buffer.from('\x89PNG\r\n\x1a\n truncated'));
  await writeFile(join(folder, 'Coat', '.DS_Store'), 'x');
  await writeFile(join(folder, 'notes.txt'), 'where these came from');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('polyfaas train <folder> (child process, real images)', () => {
  it('trains on the folder, prints the report, and serves a model that answers POST /predict', async () => {
    const started = Date.now();
    const run = polyfaas(['train', folder, '--size', '28', '--channels', '1', '--epochs', '1', '--port', '0', '--data-dir', dataDir]);
    try {
      const [, url] = await run.waitFor(/serving on (http:\/\/\S+)/);
      const ms = Date.now() - started;
      expect(run.stderr).toContain('10 classes (Ankle boot, Bag, Coat, Dress, Pullover, Sandal, Shirt, Sneaker, T-shirt, Trouser); 242 train / 60 test images');
      expect(run.stderr).toMatch(/skipped 1 file\(s\) .*\n {2}Coat\/broken\.png: /);
      expect(run.stderr).toContain('ignored 2 entries: 1 hidden, 1 outside <class>/ folders');
      expect(run.stderr).toMatch(/preprocess train \[#+\] 100% 242\/242/);
      expect(run.stderr).toMatch(/train \[#+\] 100%/);
      firstVersion = /^model clothes (\S+):/.exec(run.stdout)?.[1];
      const report = /report: (\S+\.html)/.exec(run.stdout)?.[1];
      expect(report && existsSync(report)).toBe(true);
      expect(report?.startsWith(dataDir)).toBe(true);
      expect(run.stdout).toContain(`curl -s -X POST -H 'content-type: image/png' --data-binary @some-image.png ${url}/predict`);
      expect(run.stdout).toMatch(/POST \/predict with a test image of .+ → .+ \(\d+\.\d%\)/);

      // A held-out real image, sent as a JPEG a phone might produce.
      const test = await readFixture('test');
      const res = await fetch(`${url}/predict?k=10`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await encodeFixture(test, 0, 'jpeg') });
      expect(res.status).toBe(200);
      const body = (await res.json()) as PredictResponse;
      expect(body.predictions).toHaveLength(10);
      expect(body.predictions.map((p) => p.label).sort()).toEqual([...FOLDER_CLASSES].sort());
      const photo = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(join(folder, 'Sneaker', 'IMG_0001.JPG')) });
      expect(photo.status).toBe(200);
      const accuracy = Number(/accuracy (\d+\.\d+)%/.exec(run.stdout)?.[1]);
      expect(accuracy).toBeGreaterThan(30); // one epoch on 242 images: well past the 10 % of chance
      // Nothing the pipeline stored names the user's folder by its local path.
      const leaks: string[] = [];
      for (const file of await readdir(dataDir, { recursive: true, withFileTypes: true })) {
        if (file.isFile() && (await readFile(join(file.parentPath, file.name), 'latin1')).includes(dir)) leaks.push(file.name);
      }
      expect(leaks).toEqual([]);
      process.stderr.write(`polyfaas train: ${ms} ms to a served model, test accuracy ${accuracy}%\n`);
    } finally {
      run.kill();
    }
    expect(await run.code).toBe(0);
  }, 90_000);

  it('run again with --exit: nothing uploaded or trained twice, same model, exit 0', async () => {
    const run = polyfaas(['train', folder, '--size', '28', '--channels', '1', '--epochs', '1', '--port', '0', '--data-dir', dataDir, '--exit']);
    expect(await run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('nothing changed since the last upload');
    expect(run.stderr).not.toMatch(/epoch 1:/);
    expect(firstVersion).toBeDefined();
    expect(run.stdout).toMatch(new RegExp(`^model clothes ${firstVersion}: accuracy`));
    expect(run.stdout).not.toContain('serving on');
  }, 60_000);
});

describe('polyfaas train refuses bad folders', () => {
  const capture = () => {
    const c = { out: '', err: '' };
    return { c, io: { out: { write: (s: string) => ((c.out += s), true) }, err: { write: (s: string) => ((c.err += s), true) }, printHelp } };
  };

  it('names the problem and the fix, with a code, and leaves no bucket folder behind', async () => {
    const one = join(dir, 'one-class');
    await writeImageFolder(one, { perClass: 3, labels: [4] });
    const bucket = join(dir, 'never-created');
    const { c, io } = capture();
    expect(await runCommand(['train', one, '--data-dir', bucket, '--port', '0'], commands, io)).toBe(1);
    expect(c.err).toMatch(/\npolyfaas train: Only one class folder \(Coat\): a classifier needs at least two; add a folder of images for each other class \[InvalidArgument\]\n$/);
    expect(existsSync(bucket)).toBe(false);
  });

  it('rejects bad options before touching anything', async () => {
    for (const [args, message] of [
      [['train'], /Missing <folder>/],
      [['train', 'x', '--channels', '2'], /--channels must be 1/],
      [['train', 'x', '--test-ratio', '1'], /--test-ratio must be between 0 and 1/],
      [['train', 'x', '--size', '4'], /--size must be an integer from 10/],
      [['train', 'x', '--name', 'Bad Name'], /Dataset name "Bad Name"/],
    ] as const) {
      const { c, io } = capture();
      expect(await runCommand([...args], commands, io)).toBe(1);
      expect(c.err).toMatch(message);
      expect(c.err).toContain('[InvalidArgument]');
    }
  });
});
