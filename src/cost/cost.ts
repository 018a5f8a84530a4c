import { PolyfaasError } from '../errors.js';
import type { PlatformPrice, PricedPlatform, PriceTable } from './prices.js';
import { DEFAULT_PRICES } from './prices.js';

/** One invocation as the cost model sees it. */
export interface InvocationUsage {
  readonly durationMs: number;
  /** Configured memory (observed memory on Azure Consumption, where that is what is billed). */
  readonly memoryMb: number;
  /** vCPUs, where the platform bills CPU apart and the function configures it; otherwise the platform's default for the memory. */
  readonly vcpu?: number;
}

/** What a platform bills for one invocation, after its rounding. */
export interface BilledUsage {
  readonly billedMs: number;
  readonly billedMemoryMb: number;
  readonly gbSeconds: number;
  readonly vcpuSeconds: number;
}

/** Duration and memory as the platform rounds them. */
export function billedUsage(price: PlatformPrice, usage: InvocationUsage): BilledUsage {
  if (!(usage.durationMs >= 0 && usage.memoryMb > 0)) throw new PolyfaasError('InvalidArgument', 'durationMs must be >= 0 and memoryMb > 0');
  const step = price.durationStepMs;
  const billedMs = Math.max(price.minDurationMs ?? step, Math.ceil(usage.durationMs / step - 1e-9) * step);
  let memory = usage.memoryMb;
  if (price.memoryStepMb) memory = Math.ceil(memory / price.memoryStepMb) * price.memoryStepMb;
  if (price.memorySizesMb) memory = price.memorySizesMb.find((size) => size >= memory) ?? (price.memorySizesMb.at(-1) as number);
  if (price.maxMemoryMb) memory = Math.min(memory, price.maxMemoryMb);
  const vcpu = price.perVcpuSecond === undefined ? 0 : (usage.vcpu ?? price.vcpuForMemory?.(usage.memoryMb) ?? 1);
  return { billedMs, billedMemoryMb: memory, gbSeconds: (memory / 1024) * (billedMs / 1000), vcpuSeconds: vcpu * (billedMs / 1000) };
}

/** The cost of one invocation beyond the free tier (the marginal cost), in USD. */
export function invocationCost(price: PlatformPrice, usage: InvocationUsage): number {
  const billed = billedUsage(price, usage);
  return price.perInvocation + billed.gbSeconds * price.perGbSecond + billed.vcpuSeconds * (price.perVcpuSecond ?? 0);
}

/** A month of identical invocations, as providers' worked examples state them. */
export interface MonthlyUsage extends InvocationUsage {
  readonly invocations: number;
}

/** A bill: each line rounded to cents, as the providers' examples do. */
export interface MonthlyBill {
  readonly gbSeconds: number;
  readonly vcpuSeconds: number;
  readonly invocationCost: number;
  readonly memoryCost: number;
  readonly cpuCost: number;
  readonly total: number;
}

const cents = (usd: number) => Math.round(usd * 100 + 1e-9) / 100;

/** The monthly bill for `usage`, after the free tier unless `freeTier` is false. */
export function monthlyBill(price: PlatformPrice, usage: MonthlyUsage, options: { freeTier?: boolean } = {}): MonthlyBill {
  const billed = billedUsage(price, usage);
  const free = options.freeTier === false ? { invocations: 0, gbSeconds: 0, vcpuSeconds: 0 } : price.freeTier;
  const gbSeconds = billed.gbSeconds * usage.invocations;
  const vcpuSeconds = billed.vcpuSeconds * usage.invocations;
  const invocationCost = cents(Math.max(0, usage.invocations - free.invocations) * price.perInvocation);
  const memoryCost = cents(Math.max(0, gbSeconds - free.gbSeconds) * price.perGbSecond);
  const cpuCost = cents(Math.max(0, vcpuSeconds - (free.vcpuSeconds ?? 0)) * (price.perVcpuSecond ?? 0));
  return { gbSeconds, vcpuSeconds, invocationCost, memoryCost, cpuCost, total: cents(invocationCost + memoryCost + cpuCost) };
}

/** What a run needs to know about one finished invocation (an `InvocationRecord` has these fields). */
export interface InvocationFacts {
  readonly function: string;
  readonly durationMs: number;
  readonly memoryMb?: number;
}

/** Compute time and cost of one group of invocations (a pipeline stage, a function). */
export interface StageCost {
  readonly stage: string;
  readonly invocations: number;
  readonly computeMs: number;
  /** Marginal cost on each platform (no free tier), USD. */
  readonly cost: Readonly<Record<PricedPlatform, number>>;
}

/** Options of {@link runCost}. */
export interface RunCostOptions {
  /** The stage a function belongs to; functions not named are their own stage. */
  readonly stages?: Readonly<Record<string, string>>;
  /** Memory assumed for invocations that do not record it, in MB. Default 1024. */
  readonly defaultMemoryMb?: number;
  readonly prices?: PriceTable;
}

/** A run's compute time and what it would cost on each platform, per stage, plus the total. */
export function runCost(records: readonly InvocationFacts[], options: RunCostOptions = {}): { stages: StageCost[]; total: StageCost; asOf: string } {
  const prices = options.prices ?? DEFAULT_PRICES;
  const platforms = Object.keys(prices.platforms) as PricedPlatform[];
  const zero = () => Object.fromEntries(platforms.map((p) => [p, 0])) as Record<PricedPlatform, number>;
  const groups = new Map<string, { invocations: number; computeMs: number; cost: Record<PricedPlatform, number> }>();
  const total = { invocations: 0, computeMs: 0, cost: zero() };
  for (const record of records) {
    const stage = options.stages?.[record.function] ?? record.function;
    const group = groups.get(stage) ?? { invocations: 0, computeMs: 0, cost: zero() };
    groups.set(stage, group);
    const usage = { durationMs: record.durationMs, memoryMb: record.memoryMb ?? options.defaultMemoryMb ?? 1024 };
    for (const target of [group, total]) {
      target.invocations++;
      target.computeMs += record.durationMs;
      for (const p of platforms) target.cost[p] += invocationCost(prices.platforms[p], usage);
    }
  }
  return { stages: [...groups].map(([stage, g]) => ({ stage, ...g })), total: { stage: 'total', ...total }, asOf: prices.asOf };
}

/** What a million invocations of `usage` cost on each platform (marginal, no free tier), USD. */
export function costPerMillion(usage: InvocationUsage, prices: PriceTable = DEFAULT_PRICES): Record<PricedPlatform, number> {
  const out = {} as Record<PricedPlatform, number>;
  for (const [name, price] of Object.entries(prices.platforms) as [PricedPlatform, PlatformPrice][]) out[name] = invocationCost(price, usage) * 1e6;
  return out;
}
