import { importEntry } from '../../../bundling/entry/load-entry.js';
import { PolyfaasError } from '../../../src/index.js';
import type { AzurePlan } from '../register.js';
import { AZURE_PLAN_HOOK } from '../register.js';

/**
 * Learn what an entry registers without touching Azure: set the plan hook and
 * import the entry (compiled afresh by the shared entry loader, so it registers
 * again on every call). `env` is applied while the entry loads (bucket
 * bindings for validation).
 */
export async function planEntry(entry: string, env: Record<string, string>): Promise<AzurePlan> {
  const plans: AzurePlan[] = [];
  const globals = globalThis as Record<symbol, unknown>;
  const saved: Record<string, string | undefined> = {};
  try {
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    globals[AZURE_PLAN_HOOK] = (plan: AzurePlan) => plans.push(plan);
    await importEntry(entry, 'polyfaas bundle azure');
  } finally {
    delete globals[AZURE_PLAN_HOOK];
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  const [plan] = plans;
  if (!plan || plans.length > 1) {
    throw new PolyfaasError('InvalidArgument', `${entry} must call registerAzure(app) exactly once (it called it ${plans.length} times)`);
  }
  return plan;
}
