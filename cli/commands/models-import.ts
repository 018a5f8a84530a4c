import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import { importModel } from '../../src/model/import-model.js';
import type { ImportModelOptions } from '../../src/model/import-options.js';
import { ModelSigningKey } from '../../src/model/signing-keys.js';
import { modelSigningFromEnv } from '../../src/model/signing-policy.js';
import { ModelStore } from '../../src/model/store.js';
import { initBackend } from '../../src/tf/index.js';
import type { Io } from '../registry.js';
import { readKeyFile } from './models.js';
import { openModelsBucket } from './models-bucket.js';

/** `polyfaas models import <bucket-url> <name> <file|folder>`: see `MODELS_USAGE.import`. */
export async function importCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      labels: { type: 'string' },
      'labels-file': { type: 'string' },
      'input-shape': { type: 'string' },
      scale: { type: 'string' },
      mean: { type: 'string' },
      std: { type: 'string' },
      'channels-first': { type: 'boolean' },
      'channels-last': { type: 'boolean' },
      promote: { type: 'string' },
      prefix: { type: 'string', default: 'models/' },
      key: { type: 'string' },
    },
  });
  const [url, name, source] = positionals;
  if (!url || !name || !source) throw new PolyfaasError('InvalidArgument', 'Missing <bucket-url>, <name> or <file|folder>; see polyfaas models import --help');
  if (values['channels-first'] && values['channels-last']) throw new PolyfaasError('InvalidArgument', 'Give --channels-first or --channels-last, not both');
  const options: ImportModelOptions = {
    name,
    ...(await labelsOf(values.labels, values['labels-file'])),
    ...(values['input-shape'] ? { inputShape: numbers('--input-shape', values['input-shape']) } : {}),
    ...(values.scale || values.mean || values.std
      ? {
          preprocessing: {
            ...(values.scale ? { scale: numbers('--scale', values.scale)[0] as number } : {}),
            ...(values.mean ? { mean: numbers('--mean', values.mean) } : {}),
            ...(values.std ? { std: numbers('--std', values.std) } : {}),
          },
        }
      : {}),
    ...(values['channels-first'] ? { channelsFirst: true } : values['channels-last'] ? { channelsFirst: false } : {}),
  };
  const signing = modelSigningFromEnv();
  const signingKey = values.key ? ModelSigningKey.parse(await readKeyFile(values.key)) : signing.signingKey;
  const store = new ModelStore(await openModelsBucket(url, 'polyfaas models import'), {
    prefix: values.prefix,
    signing: { ...signing, ...(signingKey ? { signingKey } : {}) },
  });
  // Import runs the model once (shape check); tfjs needs a backend for the input tensors even for ONNX.
  await initBackend({ logger: () => undefined });
  const info = await importModel(store, source, options);
  if (values.promote) await store.promote(name, info.version, values.promote);
  io.out.write(
    `${JSON.stringify({
      imported: true,
      name,
      version: info.version,
      format: info.format ?? 'tfjs-layers',
      inputShape: info.inputShape,
      labels: info.labels.length,
      signedBy: signingKey?.keyId ?? null,
      ...(values.promote ? { promoted: values.promote } : {}),
    })}\n`,
  );
  return 0;
}

async function labelsOf(inline: string | undefined, file: string | undefined): Promise<{ labels?: string[] }> {
  if (inline && file) throw new PolyfaasError('InvalidArgument', 'Give --labels or --labels-file, not both');
  if (inline) return { labels: inline.split(',').map((l) => l.trim()) };
  if (!file) return {};
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new PolyfaasError('InvalidArgument', `Cannot read labels file ${file}`, { cause: err });
  }
  return { labels: text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0) };
}

function numbers(flag: string, raw: string): number[] {
  const parsed = raw.split(',').map((v) => Number(v.trim()));
  if (parsed.length === 0 || parsed.some((n) => !Number.isFinite(n))) throw new PolyfaasError('InvalidArgument', `${flag} must be comma-separated numbers`);
  return parsed;
}
