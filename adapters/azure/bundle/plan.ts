import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PolyfaasError } from '../../../src/index.js';
import type { AzurePlan } from '../register.js';
import { AZURE_PLAN_HOOK } from '../register.js';

/**
 * Learn what an entry registers without touching Azure: compile it (npm
 * packages left external, so this is quick), set the plan hook and import it.
 * `env` is applied while the entry loads (bucket bindings for validation).
 */
export async function planEntry(entry: string, env: Record<string, string>): Promise<AzurePlan> {
  // Inside the working directory, so the compiled entry resolves the project's node_modules.
  const base = resolve('.polyfaas');
  await mkdir(base, { recursive: true });
  const dir = await mkdtemp(join(base, 'azure-plan-'));
  const outfile = join(dir, 'plan.mjs');
  const plans: AzurePlan[] = [];
  const globals = globalThis as Record<symbol, unknown>;
  const saved: Record<string, string | undefined> = {};
  try {
    await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'error' });
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    globals[AZURE_PLAN_HOOK] = (plan: AzurePlan) => plans.push(plan);
    await import(pathToFileURL(outfile).href);
  } finally {
    delete globals[AZURE_PLAN_HOOK];
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(dir, { recursive: true, force: true });
  }
  const [plan] = plans;
  if (!plan || plans.length > 1) {
    throw new PolyfaasError('InvalidArgument', `${entry} must call registerAzure(app) exactly once (it called it ${plans.length} times)`);
  }
  return plan;
}
