import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { PolyfaasError } from '../../src/errors.js';
import type { PlatformPrice, PricedPlatform, PriceTable } from '../../src/index.js';
import { DEFAULT_PRICES, withPrices } from '../../src/index.js';
import { pipelineRunCost, renderRunCostText, runCostInvocations } from '../../pipelines/shared/run-cost.js';
import type { Io } from '../registry.js';

/** Help of `polyfaas cost`. */
export const COST_USAGE = `polyfaas cost <run-cost.json | invocations.json> [--prices <prices.json>] [--json]

Prints a run's compute time and what it costs on AWS Lambda, Cloud Run functions
and Azure Functions (Consumption and Flex Consumption): preprocess, train and
evaluate, and predict per million requests at the latency measured in the run.

<run-cost.json> is what a pipeline run stores next to its report
(reports/<model>/<version>.cost.json in the data bucket); a JSON array of
invocation records ({ function, durationMs, memoryMb }) works too. The run is
priced again with today's table, or with yours:

  --prices <file>  JSON overriding the built-in prices, e.g.
                   {"asOf":"2027-01-01","aws":{"perGbSecond":0.0000133334}}
  --json           print the cost as JSON instead of a table
  -h, --help       show this help`;

/** `polyfaas cost`. */
export async function costCommand(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { prices: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    io.out.write(`${COST_USAGE}\n`);
    return 0;
  }
  const [file] = positionals;
  if (!file) throw new PolyfaasError('InvalidArgument', 'Name a run-cost or invocations JSON file (see polyfaas cost --help)');
  const cost = pipelineRunCost(runCostInvocations(await readJson(file)), values.prices ? priceTable(await readJson(values.prices)) : DEFAULT_PRICES);
  io.out.write(values.json ? `${JSON.stringify({ ...cost, invocations: undefined })}\n` : renderRunCostText(cost));
  return 0;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new PolyfaasError('NotFound', `Cannot read ${basename(file)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PolyfaasError('InvalidArgument', `${basename(file)} is not JSON`);
  }
}

const NUMERIC: readonly (keyof PlatformPrice)[] = ['perInvocation', 'perGbSecond', 'perVcpuSecond', 'durationStepMs', 'minDurationMs', 'memoryStepMb', 'maxMemoryMb'];

function priceTable(value: unknown): PriceTable {
  if (typeof value !== 'object' || value === null) throw new PolyfaasError('InvalidArgument', 'The prices file must hold a JSON object');
  const { asOf, ...rest } = value as Record<string, unknown>;
  const overrides: Partial<Record<PricedPlatform, Partial<PlatformPrice>>> = {};
  for (const [name, fields] of Object.entries(rest)) {
    if (!(name in DEFAULT_PRICES.platforms)) throw new PolyfaasError('InvalidArgument', `Unknown platform "${name.slice(0, 40)}" (use ${Object.keys(DEFAULT_PRICES.platforms).join(', ')})`);
    const override: Record<string, number> = {};
    for (const [field, v] of Object.entries(fields as Record<string, unknown>)) {
      if (!(NUMERIC as readonly string[]).includes(field) || typeof v !== 'number' || !(v >= 0)) throw new PolyfaasError('InvalidArgument', `${name}.${field.slice(0, 40)} must be one of ${NUMERIC.join(', ')}, a number >= 0`);
      override[field] = v;
    }
    overrides[name as PricedPlatform] = override;
  }
  return withPrices(overrides, DEFAULT_PRICES, typeof asOf === 'string' ? asOf : `${DEFAULT_PRICES.asOf} (overridden)`);
}
