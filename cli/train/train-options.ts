import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import { COMMON_TRAIN_ARGS, intOption, parseCommonTrainValues } from './common-train-args.js';
import { TEXT_TRAIN_USAGE } from './text-train-options.js';

/** What `polyfaas train` was asked to do. */
export interface TrainOptions {
  folder: string;
  width: number;
  height: number;
  channels: 1 | 3;
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
  strict: boolean;
  verbose: boolean;
}

/** Help text of `polyfaas train`. */
export const TRAIN_USAGE = `polyfaas train <folder> [options]
polyfaas train <file.csv|file.jsonl|folder-of-txt> [options]   (text, below)

Trains an image classifier on a folder of your images and serves it, on this
machine: uploads the images into a local bucket, runs the image pipeline
(preprocess → train → evaluate → promote) with progress bars, prints the
evaluation report's path, then serves POST /predict until interrupted.

The folder:
  <folder>/<class>/*.png|jpg|jpeg|webp           split here into train and test
                                                  per class (--test-ratio, --seed)
  <folder>/train/<class>/*, <folder>/test/<class>/*   your own split, kept as is
Folder names are the labels. Every class needs at least two usable images
(one to train, one to test). Hidden files, symlinks, other extensions and
nested folders are ignored and counted; images that cannot be decoded are
skipped and listed (--strict refuses them instead); images up to 25 megapixels
are accepted, here and by the served model. Running again on the same
folder uploads only what changed and trains only if something did.

Options:
  --size <n>            resize images to n×n pixels (default 32; or --width/--height)
  --width <n>, --height <n>
  --channels <1|3>      1 = greyscale, 3 = colour (default 3)
  --epochs <n>          training epochs (default 5)
  --batch-size <n>      default 32
  --learning-rate <x>   default 0.001
  --test-ratio <x>      share of each class held out for testing (default 0.2)
  --seed <n>            seed of the split and the training (default 42)
  --min-test <n>        fewest test images a model is judged on (default 10)
  --name <name>         dataset and model name (default: the folder's name)
  --data-dir <dir>      the local bucket (default .polyfaas/local/<name>)
  --port <n>            port to serve on (default 3000, 0 = any free port)
  --host <addr>         address to bind (default 127.0.0.1)
  --exit                stop after training and evaluation instead of serving
  --strict              fail if any image cannot be read
  --verbose             print the functions' structured logs
  -h, --help            show this help

${TEXT_TRAIN_USAGE}`;

/** Parse argv; bad values are `InvalidArgument` naming the option. */
export function parseTrainOptions(args: string[]): TrainOptions {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      size: { type: 'string' },
      width: { type: 'string' },
      height: { type: 'string' },
      channels: { type: 'string', default: '3' },
      epochs: { type: 'string', default: '5' },
      strict: { type: 'boolean', default: false },
      ...COMMON_TRAIN_ARGS,
    },
  });
  const folder = positionals[0];
  if (!folder) throw new PolyfaasError('InvalidArgument', 'Missing <folder>; see polyfaas train --help');
  if (positionals.length > 1) throw new PolyfaasError('InvalidArgument', `One folder only, got ${positionals.length}; see polyfaas train --help`);
  const size = intOption('size', values.size, 10, 1024) ?? 32;
  const channels = intOption('channels', values.channels, 1, 3);
  if (channels !== 1 && channels !== 3) throw new PolyfaasError('InvalidArgument', `--channels must be 1 (greyscale) or 3 (colour), got ${values.channels}`);
  return {
    folder,
    width: intOption('width', values.width, 10, 1024) ?? size,
    height: intOption('height', values.height, 10, 1024) ?? size,
    channels,
    epochs: intOption('epochs', values.epochs, 1, 1000)!,
    strict: values.strict,
    ...parseCommonTrainValues(values),
  };
}
