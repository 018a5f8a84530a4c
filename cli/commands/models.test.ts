import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileBucket } from '../../adapters/local/index.js';
import { sha256Hex, type ModelVersionInfo } from '../../src/model/manifest.js';
import { ModelStore } from '../../src/model/store.js';
import { commands, printHelp, runCommand } from '../registry.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

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

async function run(...argv: string[]) {
  const c = capture();
  const code = await runCommand(['models', ...argv], commands, c.io);
  return { code, out: c.out, err: c.err };
}

function tinyModel(seed: number): tfl.LayersModel {
  const model = tfl.sequential();
  model.add(tfl.layers.flatten({ inputShape: [2, 3] }));
  model.add(tfl.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }));
  return model;
}

describe('polyfaas models', () => {
  let dir: string;
  let bucketUrl: string;
  let bucket: FileBucket;
  let versions: string[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'polyfaas-models-cli-'));
    const root = path.join(dir, 'bucket');
    bucketUrl = pathToFileURL(root).href;
    bucket = new FileBucket(root);
    // A store made before signing existed: unsigned versions and alias.
    const plain = new ModelStore(bucket, { signing: false });
    versions = [];
    for (const seed of [1, 2]) {
      const model = tinyModel(seed);
      versions.push((await plain.save('digits', model)).version);
      model.dispose();
    }
    await plain.promote('digits', versions[0]!, 'production');
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(['keygen', 'sign', 'verify', 'import'])('has --help for "models %s"', async (sub) => {
    const { code, out } = await run(sub, '--help');
    expect(code).toBe(0);
    expect(out).toContain(`polyfaas models ${sub}`);
  });

  it('keygen prints the two environment lines, the secret one first', async () => {
    const { code, out, err } = await run('keygen', '--algorithm', 'ecdsa-p256', '--key-id', 'ci-2026');
    expect(code).toBe(0);
    expect(out).toMatch(/^POLYFAAS_MODEL_SIGNING_KEY=ci-2026:ecdsa-p256:[A-Za-z0-9+/=]+\nPOLYFAAS_MODEL_VERIFY_KEYS=ci-2026:ecdsa-p256:[A-Za-z0-9+/=]+\n$/);
    expect(err).toContain('SECRET');
  });

  it('keygen --out writes a private file only its owner reads, and never overwrites', async () => {
    const out = path.join(dir, 'prod');
    expect((await run('keygen', '--out', out, '--key-id', 'prod')).code).toBe(0);
    expect((await stat(`${out}.key`)).mode & 0o777).toBe(0o600);
    expect(await readFile(`${out}.pub`, 'utf8')).toMatch(/^prod:ed25519:/);
    expect(await readFile(`${out}.pem`, 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await run('keygen', '--out', out);
    expect(again.code).toBe(1);
  });

  it('signs an existing store, verifies it, and refuses the tampered version and an unknown key', async () => {
    const keys = path.join(dir, 'k');
    await run('keygen', '--out', keys, '--key-id', 'prod');

    const unsigned = await run('verify', bucketUrl, 'digits', versions[0]!, '--key', `${keys}.pub`);
    expect(unsigned.code).toBe(1);
    expect(unsigned.err).toMatch(/is not signed \[Forbidden\]/);

    const signed = await run('sign', bucketUrl, 'digits', '--key', `${keys}.key`);
    expect(signed.code).toBe(0);
    expect(signed.out).toBe(`signed digits/${versions[0]} with prod\nsigned digits/${versions[1]} with prod\nsigned digits@production -> ${versions[0]}\n`);
    expect((await run('sign', bucketUrl, 'digits', '--key', `${keys}.key`)).out).toContain('already signed digits@production');

    const ok = await run('verify', bucketUrl, 'digits', versions[0]!, '--key', `${keys}.pub`);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toEqual({ verified: true, name: 'digits', version: versions[0], signedBy: 'prod', files: ['weights.bin', 'model.json'] });
    // The .pem file is for other tools (openssl, model_signing): it carries no key id, so a key made with --key-id is not found under it.
    const pemOnly = await run('verify', bucketUrl, 'digits', versions[0]!, '--key', `${keys}.pem`);
    expect(pemOnly.err).toMatch(/signed by no trusted key \[Forbidden\]/);

    // The attack: other weights in, manifest recomputed.
    const folder = (v: string) => `models/digits/versions/${v}/`;
    const weights = (await bucket.get(`${folder(versions[1]!)}weights.bin`)).body;
    await bucket.put(`${folder(versions[0]!)}weights.bin`, weights);
    const manifest = JSON.parse(new TextDecoder().decode((await bucket.get(`${folder(versions[0]!)}manifest.json`)).body)) as ModelVersionInfo;
    const files = manifest.files.map((f) => (f.path === 'weights.bin' ? { ...f, size: weights.byteLength, sha256: sha256Hex(weights) } : f));
    await bucket.put(`${folder(versions[0]!)}manifest.json`, new TextEncoder().encode(JSON.stringify({ ...manifest, files })));
    const tampered = await run('verify', bucketUrl, 'digits', versions[0]!, '--key', `${keys}.pub`);
    expect(tampered.code).toBe(1);
    expect(tampered.err).toMatch(/does not match its signature \(manifest.json differs from what was signed\) \[Forbidden\]/);

    const other = path.join(dir, 'other');
    await run('keygen', '--out', other);
    const unknown = await run('verify', bucketUrl, 'digits', versions[1]!, '--key', `${other}.pub`);
    expect(unknown.err).toMatch(/signed by no trusted key \[Forbidden\]/);
    // With both keys (rotation), the untouched version verifies.
    expect((await run('verify', bucketUrl, 'digits', versions[1]!, '--key', `${other}.pub`, '--key', `${keys}.pub`)).code).toBe(0);
  });

  it('takes keys from the environment, and signs one version when named', async () => {
    const keygen = await run('keygen', '--algorithm', 'hmac-sha256', '--key-id', 'shared');
    for (const line of keygen.out.trim().split('\n')) {
      const [name, value] = [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)];
      vi.stubEnv(name, value);
    }
    expect((await run('sign', bucketUrl, 'digits', versions[1]!)).out).toBe(`signed digits/${versions[1]} with shared\n`);
    expect(JSON.parse((await run('verify', bucketUrl, 'digits', versions[1]!)).out)).toMatchObject({ verified: true, signedBy: 'shared' });
    expect((await run('verify', bucketUrl, 'digits', versions[0]!)).code).toBe(1);
    expect((await run('sign', bucketUrl, 'digits', versions[1]!)).err).toMatch(/already signed.*\[AlreadyExists\]/);
  });

  it('imports an ONNX file signed, promotes it, and refuses a garbage one with its error code', async () => {
    const keygen = await run('keygen', '--key-id', 'importer');
    for (const line of keygen.out.trim().split('\n')) {
      const [k, v] = line.split(/=(.*)/s);
      vi.stubEnv(k!, v!);
    }
    const onnx = path.resolve('test/fixtures/onnx/cnn-28x28.onnx');
    const labels = 't-shirt,trouser,pullover,dress,coat,sandal,shirt,sneaker,bag,boot';
    const imported = await run('import', bucketUrl, 'fashion', onnx, '--labels', labels, '--mean', '0.286', '--std', '0.353', '--promote', 'production');
    expect(imported.code).toBe(0);
    const line = JSON.parse(imported.out) as { version: string; format: string; inputShape: number[]; signedBy: string; promoted: string };
    expect(line).toMatchObject({ imported: true, format: 'onnx', inputShape: [28, 28, 1], labels: 10, signedBy: 'importer', promoted: 'production' });
    const info = JSON.parse(new TextDecoder().decode((await bucket.get(`models/fashion/versions/${line.version}/manifest.json`)).body)) as ModelVersionInfo;
    expect(info.metadata).toMatchObject({ preprocessing: { scale: 1 / 255, mean: [0.286], std: [0.353] } });
    expect((await run('verify', bucketUrl, 'fashion', line.version)).code).toBe(0);

    const garbage = path.join(dir, 'garbage.onnx');
    await writeFile(garbage, 'not a model');
    const refused = await run('import', bucketUrl, 'fashion', garbage);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/Not an ONNX model.*InvalidArgument/s);
    expect(refused.err).not.toContain(dir);
  });

  it('runs as the real command line', async () => {
    const tsx = path.resolve('node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, ['cli/main.ts', 'models', 'keygen', '--key-id', 'spawned'], { timeout: 60_000 });
    expect(stdout).toMatch(/^POLYFAAS_MODEL_SIGNING_KEY=spawned:ed25519:/);
  });
});
