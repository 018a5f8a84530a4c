/**
 * Cold start: a new `node` process → first prediction answered, for
 *
 * - polyfaas: the Fashion-MNIST Lambda bundle (`predict-entry.ts` = `aws.ts`
 *   + `file://`), built with `bundleFunction` like `polyfaas bundle aws`, its
 *   `handler` invoked with an API Gateway v2 event carrying a PNG;
 * - baseline: a seed-style handler (`cold-start/seed-handler.mjs`): the
 *   unbundled `@tensorflow/tfjs` umbrella package imported at the top, the
 *   model read at import, the default (cpu) backend, no warm-up;
 * - floor: `node -e` printing one line.
 *
 * Both handlers read the same model from the same FileBucket directory and are
 * started by the same plain-node runner; runs are interleaved in a rotating
 * order. Median of 10 runs each (quick: 3).
 *
 * Usage: npx tsx bench/cold-start.ts [--quick]
 */
import { buildColdStartKit, handlerEnv } from './cold-start/bundle.js';
import { ensureBenchModel } from './support/bench-model.js';
import { lastJsonLine, runChild } from './support/child.js';
import { runStandalone } from './support/standalone.js';
import { median, round } from './support/stats.js';
import type { BenchOptions, BenchRow } from './support/types.js';
import { ratioRow } from './support/types.js';

interface FirstLine {
  top: string;
  importMs: number;
  bootMs: number;
  firstRequestMs: number;
}

export async function run(opts: BenchOptions): Promise<BenchRow[]> {
  const runs = opts.quick ? 3 : 10;
  const model = await ensureBenchModel();
  const kit = await buildColdStartKit();
  try {
    const env = handlerEnv(model.dir);
    const contenders = {
      floor: () => runChild(process.execPath, ['-e', 'console.log(0)'], { env }),
      seed: () => runChild(process.execPath, [kit.runner, kit.seedHandler, kit.png], { env }),
      polyfaas: () => runChild(process.execPath, [kit.runner, kit.bundle.entryFile, kit.png], { env }),
    };
    type Name = keyof typeof contenders;
    const names = Object.keys(contenders) as Name[];
    const wall: Record<Name, number[]> = { floor: [], seed: [], polyfaas: [] };
    const detail: Record<'seed' | 'polyfaas', FirstLine[]> = { seed: [], polyfaas: [] };
    for (let i = 0; i < runs; i++) {
      // Rotate the order so neither side always runs right after the other (page cache, CPU boost).
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length] as Name;
        const result = await contenders[name]();
        if (result.code !== 0) throw new Error(`${name} cold start failed (exit ${result.code}):\n${result.stderr.slice(-3000)}`);
        wall[name].push(result.firstLineMs);
        if (name !== 'floor') detail[name].push(lastJsonLine<FirstLine>(result, name));
      }
    }
    const m = (name: Name) => round(median(wall[name]), 0);
    const parts = (name: 'seed' | 'polyfaas') =>
      `boot ${median(detail[name].map((d) => d.bootMs))} + import ${median(detail[name].map((d) => d.importMs))} + first request ${median(detail[name].map((d) => d.firstRequestMs))} ms`;
    const note = `median of ${runs}; seed = unbundled @tensorflow/tfjs, model read at import, default cpu backend, no warm-up; seed ${parts('seed')}; polyfaas ${parts('polyfaas')}`;
    return [
      ratioRow({ metric: 'cold start → first prediction', baseline: m('seed'), polyfaas: m('polyfaas'), unit: 'ms', ratio: 'polyfaas/baseline', target: ['<=', 0.5], note }),
      ratioRow({ metric: 'cold start above `node -e` floor', baseline: m('seed') - m('floor'), polyfaas: m('polyfaas') - m('floor'), unit: 'ms', ratio: 'polyfaas/baseline', note: `floor (node -e) median ${m('floor')} ms` }),
    ];
  } finally {
    await kit.cleanup();
  }
}

await runStandalone(import.meta.url, run);
