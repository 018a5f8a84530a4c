import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import { COMMON_TRAIN_ARGS, intOption, parseCommonTrainValues } from './common-train-args.js';

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
  ...COMMON_TRAIN_ARGS,
} as const;

/** Parse argv for the text flow; bad values are `InvalidArgument` naming the option. */
export function parseTextTrainOptions(args: string[]): TextTrainOptions {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: TEXT_TRAIN_ARGS });
  const input = positionals[0];
  if (!input) throw new PolyfaasError('InvalidArgument', 'Missing <file or folder>; see polyfaas train --help');
  if (positionals.length > 1) throw new PolyfaasError('InvalidArgument', `One file or folder only, got ${positionals.length}; see polyfaas train --help`);
  const architecture = values.architecture;
  if (architecture !== 'gru' && architecture !== 'lstm' && architecture !== 'conv1d') {
    throw new PolyfaasError('InvalidArgument', `--architecture must be gru, lstm or conv1d, got ${architecture}`);
  }
  const level = values.level;
  if (level !== 'word' && level !== 'char') throw new PolyfaasError('InvalidArgument', `--level must be word or char, got ${level}`);
  return {
    input,
    ...(values['text-column'] ? { textColumn: values['text-column'] } : {}),
    ...(values['label-column'] ? { labelColumn: values['label-column'] } : {}),
    architecture,
    level,
    epochs: intOption('epochs', values.epochs, 1, 1000)!,
    ...parseCommonTrainValues(values),
  };
}
