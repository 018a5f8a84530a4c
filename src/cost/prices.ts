/**
 * What one serverless platform charges, as the cost model needs it. Every
 * figure is in US dollars, for the region named, on-demand (no savings plans,
 * no committed-use discounts), excluding data transfer and the storage,
 * queues and logs a function also uses.
 */
export interface PlatformPrice {
  /** Short name shown in tables, e.g. `AWS Lambda`. */
  readonly label: string;
  readonly region: string;
  /** Per invocation (request / execution). */
  readonly perInvocation: number;
  /** Per GB-second of memory (GiB on GCP, where a GB is 1024 MB everywhere). */
  readonly perGbSecond: number;
  /** Per vCPU-second, where CPU is billed apart from memory (Cloud Run functions). */
  readonly perVcpuSecond?: number;
  /** Billed duration is the duration rounded up to a multiple of this, in ms. */
  readonly durationStepMs: number;
  /** Shortest billed duration, in ms. Default: one step. */
  readonly minDurationMs?: number;
  /** Billed memory is the memory rounded up to a multiple of this, in MB (Azure Consumption: 128). */
  readonly memoryStepMb?: number;
  /** Billed memory is rounded up to the first of these sizes, in MB (Azure Flex Consumption instance sizes). */
  readonly memorySizesMb?: readonly number[];
  /** Billed memory never exceeds this, in MB. */
  readonly maxMemoryMb?: number;
  /** The vCPUs a function with this much memory gets when none is configured. */
  readonly vcpuForMemory?: (memoryMb: number) => number;
  /** Monthly free grant, per billing account / subscription. */
  readonly freeTier: { readonly invocations: number; readonly gbSeconds: number; readonly vcpuSeconds?: number };
  /** Where each figure comes from. */
  readonly sources: readonly string[];
}

/** The platforms polyfaas estimates. */
export type PricedPlatform = 'aws' | 'gcp' | 'azure' | 'azure-flex';

/** A price table: when it was read, and one price per platform. */
export interface PriceTable {
  /** ISO date the figures were read from their sources. */
  readonly asOf: string;
  readonly platforms: Readonly<Record<PricedPlatform, PlatformPrice>>;
}

/** Cloud Run functions' default vCPU per memory size (the 1st-gen ladder, which the console also proposes for 2nd gen). */
function cloudRunFunctionsVcpu(memoryMb: number): number {
  if (memoryMb <= 128) return 0.083;
  if (memoryMb <= 256) return 0.167;
  if (memoryMb <= 512) return 0.333;
  if (memoryMb <= 1024) return 0.583;
  if (memoryMb <= 2048) return 1;
  if (memoryMb <= 8192) return 2;
  return 4;
}

/**
 * The prices polyfaas ships with. Check them before relying on a figure:
 * providers change prices, and every user can pass their own table (or
 * override one platform) to the cost functions.
 */
export const DEFAULT_PRICES: PriceTable = {
  asOf: '2026-12-06',
  platforms: {
    aws: {
      label: 'AWS Lambda',
      region: 'us-east-1, x86',
      perInvocation: 0.2 / 1e6,
      // First 6 billion GB-s tier; Arm is 20% less.
      perGbSecond: 0.0000166667,
      durationStepMs: 1,
      freeTier: { invocations: 1e6, gbSeconds: 400_000 },
      sources: ['https://aws.amazon.com/lambda/pricing/ (duration rounded up to 1 ms; free tier 1M requests and 400,000 GB-s a month; Example 1)'],
    },
    gcp: {
      label: 'Cloud Run functions',
      region: 'Tier 1 (e.g. us-central1), CPU allocated during requests only',
      perInvocation: 0.4 / 1e6,
      perGbSecond: 0.0000025,
      perVcpuSecond: 0.000024,
      durationStepMs: 100,
      vcpuForMemory: cloudRunFunctionsVcpu,
      freeTier: { invocations: 2e6, gbSeconds: 360_000, vcpuSeconds: 180_000 },
      sources: [
        'https://cloud.google.com/run/pricing (request-based billing: $0.000024/vCPU-s, $0.0000025/GiB-s, $0.40/M requests; free 180,000 vCPU-s, 360,000 GiB-s, 2M requests; rounded up to 100 ms)',
        'https://cloud.google.com/functions/docs/configuring/memory (default vCPU per memory size)',
      ],
    },
    azure: {
      label: 'Azure Functions Consumption',
      region: 'East US',
      perInvocation: 0.2 / 1e6,
      perGbSecond: 0.000016,
      durationStepMs: 1,
      minDurationMs: 100,
      memoryStepMb: 128,
      maxMemoryMb: 1536,
      freeTier: { invocations: 1e6, gbSeconds: 400_000 },
      sources: [
        'https://azure.microsoft.com/pricing/details/functions/ (observed memory rounded up to 128 MB, at most 1,536 MB; time rounded up to 1 ms, minimum 100 ms; free grant 1M executions and 400,000 GB-s)',
        'https://learn.microsoft.com/azure/azure-functions/functions-consumption-costs (GB-s = MB-ms / 1,024,000)',
        'https://modal.com/blog/azure-function-pricing-guide (rates $0.000016/GB-s and $0.20/M in East US, 2025-05-22; the pricing page renders them client-side)',
      ],
    },
    'azure-flex': {
      label: 'Azure Functions Flex Consumption',
      region: 'East US, on demand',
      perInvocation: 0.4 / 1e6,
      perGbSecond: 0.000026,
      durationStepMs: 1,
      memorySizesMb: [512, 2048, 4096],
      freeTier: { invocations: 250_000, gbSeconds: 100_000 },
      sources: [
        'https://azure.microsoft.com/pricing/details/functions/ (Flex Consumption on demand: instance memory while executing, free grant 100,000 GB-s and 250,000 executions)',
        'https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan (instance memory sizes 512, 2048, 4096 MB)',
        'https://modal.com/blog/azure-function-pricing-guide ($0.000026/GB-s on demand)',
      ],
    },
  },
};

/** A table with some platforms' figures replaced: what a user passes to use their own prices. */
export function withPrices(overrides: { readonly [P in PricedPlatform]?: Partial<PlatformPrice> }, base: PriceTable = DEFAULT_PRICES, asOf = base.asOf): PriceTable {
  const platforms = { ...base.platforms };
  for (const [name, override] of Object.entries(overrides) as [PricedPlatform, Partial<PlatformPrice>][]) {
    platforms[name] = { ...platforms[name], ...override };
  }
  return { asOf, platforms };
}
