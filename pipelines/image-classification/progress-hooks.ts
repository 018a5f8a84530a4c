import type { PipelineHooks } from './hooks.js';
import type { ProgressBar, ProgressStream } from './progress.js';
import { createProgressBar } from './progress.js';

/**
 * Pipeline hooks that draw what a person at a terminal wants to see: one bar
 * per preprocessed split, one for training, a line per epoch and one for the
 * evaluation. Shared by `polyfaas train` and the Fashion-MNIST demo.
 */
export function progressHooks(stream: ProgressStream): PipelineHooks {
  let trainBar: ProgressBar | undefined;
  const preprocessBars = new Map<string, ProgressBar>();
  return {
    onPreprocess: ({ split, done, total }) => {
      let bar = preprocessBars.get(split);
      if (!bar) preprocessBars.set(split, (bar = createProgressBar({ total, label: `preprocess ${split}`, stream })));
      bar.update(done);
      if (done === total) bar.finish();
    },
    onTrainBatch: (p) => {
      trainBar ??= createProgressBar({ total: p.epochs * p.batchesPerEpoch, label: 'train', stream });
      trainBar.update(p.epoch * p.batchesPerEpoch + p.batch);
    },
    onTrainEpoch: (r) => {
      stream.write(`\n  epoch ${r.epoch + 1}: loss ${r.loss.toFixed(4)}, train accuracy ${(r.accuracy * 100).toFixed(2)}%, ${r.seconds.toFixed(1)} s\n`);
    },
    onEvaluated: (r) => {
      trainBar?.finish();
      stream.write(`evaluated ${r.version}: accuracy ${(r.metrics.accuracy * 100).toFixed(2)}% on ${r.metrics.count} test images — ${r.reason}\n`);
    },
  };
}
