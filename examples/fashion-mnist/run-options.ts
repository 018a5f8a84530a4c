import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { PolyfaasError } from 'polyfaas';

/** What `npm start` was asked to do. */
export interface RunOptions {
  exit: boolean;
  full: boolean;
  epochs?: number;
  limit?: number;
  /** Checkpoint every this many training steps. */
  checkpointEvery?: number;
  /** Data-parallel training workers, and as many worker processes serving the pipeline's events. */
  workers?: number;
  port: number;
  dataDir?: string;
  fresh: boolean;
  verbose: boolean;
  help: boolean;
}

/** Help text of the demo. */
export const USAGE = `Fashion-MNIST on polyfaas: ingest → preprocess → train → evaluate → promote → serve, on the local runtime.

Usage: npm start -- [options]

Options:
  --exit           stop after evaluation and print the report as JSON on the last line of stdout
  --full           train for the best accuracy (0.94: batch-norm CNN with two convs per block, 12
                   epochs of flipped and shifted images, cosine learning rate; ~35 min on 2 cores),
                   data-parallel in 2 workers when the machine has 2 cores or more
  --epochs <n>     epochs to train (default 2; --full: 12)
  --limit <n>      use only the first n images of each split
  --checkpoint-every <n>  checkpoint training every n steps (default 100); a killed run resumes from the last one
  --workers <n>    train data-parallel in n workers (averaging weights every round) and run the
                   pipeline's invocations in n worker processes (default 1; --full: 2 on 2+ cores)
  --port <n>       port to serve on (default 3000; 0 = any free port)
  --data-dir <d>   where the file buckets live (default .polyfaas/fashion-mnist)
  --fresh          delete the data directory first (re-ingest and retrain from scratch)
  --verbose        print the functions' structured logs
  -h, --help       show this help

Data: $FASHION_MNIST_DIR, else /usr/share/datasets/fashion-mnist (apt-get install
dataset-fashion-mnist), else a verified download, else the committed 3,000-image subset.`;

/** Parse argv; bad values are `InvalidArgument`. */
export function parseRunOptions(argv: string[]): RunOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      exit: { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      limit: { type: 'string' },
      'checkpoint-every': { type: 'string' },
      workers: { type: 'string' },
      port: { type: 'string', default: '3000' },
      'data-dir': { type: 'string' },
      fresh: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const int = (name: string, raw: string | undefined, min: number): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new PolyfaasError('InvalidArgument', `--${name} must be an integer >= ${min}, got ${raw}`);
    return n;
  };
  const epochs = int('epochs', values.epochs, 1);
  const limit = int('limit', values.limit, 1);
  const checkpointEvery = int('checkpoint-every', values['checkpoint-every'], 1);
  // --full spends the second core when there is one: two data-parallel workers train ~1.8x the samples/s.
  const workers = int('workers', values.workers, 1) ?? (values.full && availableParallelism() > 1 ? 2 : undefined);
  return {
    exit: values.exit,
    full: values.full,
    ...(epochs !== undefined ? { epochs } : {}),
    ...(limit !== undefined ? { limit } : {}),
    ...(checkpointEvery !== undefined ? { checkpointEvery } : {}),
    ...(workers !== undefined ? { workers } : {}),
    port: int('port', values.port, 0) ?? 3000,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    fresh: values.fresh,
    verbose: values.verbose,
    help: values.help,
  };
}
