import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';

/** What `polyfaas train` was asked to do with text data. */
export interface TextTrainOptions {
  /** A `.csv`/`.tsv`/`.jsonl`/`.ndjson` file, or a folder of class folders of `.txt`/`.eml` files. */
  input: string;
  textColumn?: string;
  labelColumn?: string;
  architecture: 'gru' | 'lstm' | 'conv1d';
  level: 'word' | 'char';
  epochs: number;
  batchSize: number;
  learningRate?: number;
  testRatio: number;
  seed: number;
  minTest?: number;
  name?: string;
  dataDir?: string;
  port: number;
  host: string;
  exit: boolean;
  verbose: boolean;
}

/** Options only text training takes; `--text` forces the text flow for input that does not say. */
export const TEXT_TRAIN_FLAGS = ['--text', '--text-column', '--label-column', '--architecture', '--level'] as const;

/** The part of `polyfaas train --help` about text. */
export const TEXT_TRAIN_USAGE = `Text (a .csv, .tsv, .jsonl or .ndjson file, or a folder of .txt/.eml files):
  <file.csv>                  columns "text" and "label" (and optionally "split")
  <file.jsonl>                one {"text": …, "label": …} object a line
  <folder>/<class>/*.txt|eml  as for images; .eml files are reduced to subject + body
trains a recurrent text classifier (text pipeline) and serves POST /classify.
Every label needs at least two texts. Text options:
  --text                force text for input that does not say (e.g. a folder)
  --text-column <name>  column or field holding the text (default text)
  --label-column <name> column or field holding the label (default label)
  --architecture <a>    gru (default), lstm or conv1d
  --level <word|char>   tokens are words (default) or characters
(--epochs defaults to 4 for text; --size, --channels and --strict are image-only.)`;

/** The options `polyfaas train` takes for text, as `node:util` parseArgs declares them. */
export const TEXT_TRAIN_ARGS = {
  text: { type: 'boolean', default: false },
  'text-column': { type: 'string' },
  'label-column': { type: 'string' },
  architecture: { type: 'string', default: 'gru' },
  level: { type: 'string', default: 'word' },
  epochs: { type: 'string', default: '4' },
  'batch-size': { type: 'string', default: '32' },
  'learning-rate': { type: 'string' },
  'test-ratio': { type: 'string', default: '0.2' },
  seed: { type: 'string', default: '42' },
  'min-test': { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  port: { type: 'string', default: '3000' },
  host: { type: 'string', default: '127.0.0.1' },
  exit: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
} as const;

/** Parse argv for the text flow; bad values are `InvalidArgument` naming the option. */
export function parseTextTrainOptions(args: string[]): TextTrainOptions {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: TEXT_TRAIN_ARGS });
  const input = positionals[0];
  if (!input) throw new PolyfaasError('InvalidArgument', 'Missing <file or folder>; see polyfaas train --help');
  if (positionals.length > 1) throw new PolyfaasError('InvalidArgument', `One file or folder only, got ${positionals.length}; see polyfaas train --help`);
  const int = (name: string, raw: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new PolyfaasError('InvalidArgument', `--${name} must be an integer from ${min} to ${max}, got ${raw}`);
    return n;
  };
  const architecture = values.architecture;
  if (architecture !== 'gru' && architecture !== 'lstm' && architecture !== 'conv1d') {
    throw new PolyfaasError('InvalidArgument', `--architecture must be gru, lstm or conv1d, got ${architecture}`);
  }
  const level = values.level;
  if (level !== 'word' && level !== 'char') throw new PolyfaasError('InvalidArgument', `--level must be word or char, got ${level}`);
  const testRatio = Number(values['test-ratio']);
  if (!(testRatio > 0 && testRatio < 1)) throw new PolyfaasError('InvalidArgument', `--test-ratio must be between 0 and 1, got ${values['test-ratio']}`);
  const learningRate = values['learning-rate'] === undefined ? undefined : Number(values['learning-rate']);
  if (learningRate !== undefined && !(learningRate > 0)) throw new PolyfaasError('InvalidArgument', `--learning-rate must be a positive number, got ${values['learning-rate']}`);
  const minTest = int('min-test', values['min-test'], 1);
  return {
    input,
    ...(values['text-column'] ? { textColumn: values['text-column'] } : {}),
    ...(values['label-column'] ? { labelColumn: values['label-column'] } : {}),
    architecture,
    level,
    epochs: int('epochs', values.epochs, 1, 1000)!,
    batchSize: int('batch-size', values['batch-size'], 1, 4096)!,
    ...(learningRate !== undefined ? { learningRate } : {}),
    testRatio,
    seed: int('seed', values.seed, 0, 2 ** 31 - 1)!,
    ...(minTest !== undefined ? { minTest } : {}),
    ...(values.name ? { name: values.name } : {}),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    port: int('port', values.port, 0, 65535)!,
    host: values.host,
    exit: values.exit,
    verbose: values.verbose,
  };
}
