/**
 * Child process of the training-memory bench: runs the Fashion-MNIST main job
 * (`npm start` — ingest, preprocess, train, evaluate, promote on the local
 * runtime with file buckets) in this process with the given `npm start`
 * flags, then prints one JSON line with this process's peak RSS.
 *
 * Usage: node --import tsx bench/children/train-rss.ts --exit --fresh --data-dir <dir> [--limit n] [--epochs n]
 */
import { runFashionMnist } from '../../examples/fashion-mnist/run.js';
import { parseRunOptions } from '../../examples/fashion-mnist/run-options.js';

const options = parseRunOptions(process.argv.slice(2));
const quiet = { write: () => true };
const started = performance.now();
const { server, report, data } = await runFashionMnist(options, { out: quiet, err: quiet });
await server.close();
console.log(
  JSON.stringify({
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    seconds: (performance.now() - started) / 1000,
    accuracy: report?.metrics.accuracy,
    origin: data.location.origin,
    train: Math.min(data.train.count, options.limit ?? Infinity),
    test: Math.min(data.test.count, options.limit ?? Infinity),
  }),
);
process.exit(0);
