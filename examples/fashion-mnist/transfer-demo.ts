/**
 * `npm run transfer-demo`: transfer learning on Fashion-MNIST, measured (see
 * transfer-experiment.ts). Prints progress on stderr, then a Markdown table
 * and one JSON line on stdout.
 *
 * Options: --source-examples N, --source-epochs N, --per-class 20,100,
 * --seeds 1,2,3, --scratch-epochs N, --head-epochs N.
 * Data: $FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist, else a
 * download, else the committed 3,000-image subset (then the numbers mean little).
 */
import { currentBackend, initBackend } from 'polyfaas/model';
import { loadFashionMnist } from './data/source.js';
import type { TransferBudget } from './transfer-experiment.js';
import { DEFAULT_BUDGET, runTransferExperiment, transferTable } from './transfer-experiment.js';

function parseBudget(argv: readonly string[]): TransferBudget {
  const budget: TransferBudget = { ...DEFAULT_BUDGET };
  const positive = (flag: string, raw: string | undefined) => {
    const v = Number(raw);
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${flag} needs a positive integer, got ${raw}`);
    return v;
  };
  const list = (flag: string, raw: string | undefined) => (raw ?? '').split(',').map((v) => positive(flag, v));
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = argv[++i];
    if (flag === '--source-examples') budget.sourceExamples = positive(flag, value);
    else if (flag === '--source-epochs') budget.sourceEpochs = positive(flag, value);
    else if (flag === '--per-class') budget.perClass = list(flag, value);
    else if (flag === '--seeds') budget.seeds = list(flag, value);
    else if (flag === '--scratch-epochs') budget.scratchEpochs = positive(flag, value);
    else if (flag === '--head-epochs') budget.headEpochs = positive(flag, value);
    else throw new Error(`unknown option ${flag}`);
  }
  return budget;
}

const budget = parseBudget(process.argv.slice(2));
await initBackend({ logger: () => {} });
const data = await loadFashionMnist();
const log = (line: string) => process.stderr.write(`${line}\n`);
log(`Fashion-MNIST from ${data.location.origin} (${data.location.dir}); tfjs backend ${currentBackend()?.name}`);
for (const note of data.location.notes) log(`  ${note}`);
const result = await runTransferExperiment(data, budget, log);
process.stdout.write(`${transferTable(result, budget)}\n\n`);
process.stdout.write(
  `Source CNN: ${result.source.examples} images of classes 0–4, ${result.source.epochs} epochs, ${result.source.seconds.toFixed(1)} s, ` +
    `${(100 * result.source.accuracy).toFixed(1)}% on the classes 0–4 test images. Seeds: ${budget.seeds.join(', ')}; mean (min–max).\n`,
);
process.stdout.write(`${JSON.stringify({ bench: 'transfer-learning', origin: data.location.origin, budget, ...result })}\n`);
