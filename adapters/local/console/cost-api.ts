import type { ServerResponse } from 'node:http';
import type { AppRuntime, InvocationObserver } from '../../../src/adapter.js';
import type { PricedPlatform, PriceTable, StageCost } from '../../../src/index.js';
import { isPolyfaasError, mapLimit, runCost } from '../../../src/index.js';
import { REPORTS_PREFIX } from '../../../pipelines/image-classification/jobs.js';
import type { PipelineRunCost } from '../../../pipelines/shared/run-cost.js';
import { pipelineRunCost, runCostInvocations } from '../../../pipelines/shared/run-cost.js';
import { sendJson } from './respond.js';

/** Memory assumed for invocations of functions that configure none, in MB (as `runCost` assumes). */
const DEFAULT_MEMORY_MB = 1024;
/** Keys looked at when discovering run costs in one bucket. */
const MAX_DISCOVERY_KEYS = 20_000;
/** Newest run costs shown. */
const MAX_RUNS = 20;
/** Largest run cost read; one holds a record per invocation of the run. */
const MAX_RUN_COST_BYTES = 4 * 1024 * 1024;
const RUN_COST_KEY = /^reports\/([^/]+)\/([^/]+)\.cost\.json$/;

/** One platform of the price table as the page shows it: where each figure comes from. */
export interface PriceView {
  readonly platform: PricedPlatform;
  readonly label: string;
  readonly region: string;
  readonly sources: readonly { readonly url: string; readonly note: string }[];
}

/** A stored run cost, priced again with the console's table, or why it could not be. */
export type RunCostView = { readonly bucket: string; readonly model: string; readonly version: string; readonly storedPricesAsOf?: string } & (
  | { readonly cost: Omit<PipelineRunCost, 'invocations'> }
  | { readonly error: string }
);

/**
 * The console's Cost page data: what the recent invocations (the observer's
 * records) and each stored pipeline run (`reports/<model>/<version>.cost.json`)
 * cost on each cloud. Everything is priced here, with one table, by the cost
 * functions the CLI and the pipeline use: a stored run is priced again from its
 * invocations, so its figures follow the table the console was given.
 */
export class CostApi {
  constructor(
    private readonly rt: AppRuntime,
    private readonly observer: InvocationObserver,
    private readonly names: readonly string[],
    private readonly prices: PriceTable,
  ) {}

  /** `GET api/cost`: the price table, recent invocations per function, and the newest runs. */
  async overview(res: ServerResponse): Promise<void> {
    const records = this.observer.records();
    const recent = runCost(records, { prices: this.prices, defaultMemoryMb: DEFAULT_MEMORY_MB });
    sendJson(res, 200, {
      asOf: this.prices.asOf,
      platforms: priceViews(this.prices),
      recent: {
        functions: recent.stages.sort((a, b) => a.stage.localeCompare(b.stage)).map(functionView),
        total: functionView(recent.total),
        withoutMemory: records.filter((r) => r.memoryMb === undefined).length,
        assumedMemoryMb: DEFAULT_MEMORY_MB,
      },
      runs: await this.runs(),
    });
  }

  private async runs(): Promise<RunCostView[]> {
    const found: { bucket: string; key: string; model: string; version: string; time: number }[] = [];
    for (const bucket of this.names) {
      let seen = 0;
      for await (const object of this.rt.bucket(bucket).list({ prefix: REPORTS_PREFIX })) {
        const match = RUN_COST_KEY.exec(object.key);
        if (match && object.size <= MAX_RUN_COST_BYTES) found.push({ bucket, key: object.key, model: match[1] as string, version: match[2] as string, time: object.lastModified.getTime() });
        if (++seen >= MAX_DISCOVERY_KEYS) break;
      }
    }
    const newest = found.sort((a, b) => b.time - a.time).slice(0, MAX_RUNS);
    return mapLimit(newest, 4, async ({ bucket, key, model, version }): Promise<RunCostView> => {
      const where = { bucket, model, version };
      let stored: unknown;
      try {
        stored = JSON.parse(new TextDecoder().decode((await this.rt.bucket(bucket).get(key)).body)) as unknown;
      } catch (err) {
        if (isPolyfaasError(err, 'NotFound')) return { ...where, error: 'Deleted while the page loaded' };
        if (err instanceof SyntaxError) return { ...where, error: 'Not JSON' };
        throw err;
      }
      const asOf = (stored as { pricesAsOf?: unknown } | null)?.pricesAsOf;
      const dated = typeof asOf === 'string' ? { storedPricesAsOf: asOf.slice(0, 40) } : {};
      try {
        const { invocations: _invocations, ...cost } = pipelineRunCost(runCostInvocations(stored), this.prices);
        return { ...where, ...dated, cost };
      } catch (err) {
        if (isPolyfaasError(err, 'InvalidArgument')) return { ...where, ...dated, error: err.message };
        throw err;
      }
    });
  }
}

function functionView(group: StageCost) {
  return { function: group.stage, invocations: group.invocations, computeMs: group.computeMs, cost: group.cost };
}

/** Each platform's label, region and sources; a source is its URL followed by what it says. */
function priceViews(prices: PriceTable): PriceView[] {
  return (Object.entries(prices.platforms) as [PricedPlatform, PriceTable['platforms'][PricedPlatform]][]).map(([platform, price]) => ({
    platform,
    label: price.label,
    region: price.region,
    sources: price.sources.map((source) => {
      const [url = '', ...rest] = source.split(' ');
      return { url, note: rest.join(' ').replace(/^\((.*)\)$/, '$1') };
    }),
  }));
}
