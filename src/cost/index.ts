/** Cost per invocation and per run on each cloud, from a dated, overridable price table. */
export { DEFAULT_PRICES, withPrices } from './prices.js';
export type { PlatformPrice, PricedPlatform, PriceTable } from './prices.js';
export { billedUsage, costPerMillion, invocationCost, monthlyBill, runCost } from './cost.js';
export type { BilledUsage, InvocationFacts, InvocationUsage, MonthlyBill, MonthlyUsage, RunCostOptions, StageCost } from './cost.js';
