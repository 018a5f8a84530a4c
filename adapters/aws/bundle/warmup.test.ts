import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { defineApp, defineFunction, json } from '../../../src/index.js';
import { WARMUP_EVENT } from '../../../src/adapter.js';
import { runBundleCommand } from '../../../bundling/command.js';
import { awsBundler } from './bundler.js';
import { planApp } from './plan.js';
import { samTemplate, serverlessYml } from './templates.js';
import { eventBridgeRate, parseWarmupRate } from './warmup.js';
import { toYaml } from './yaml.js';

// The YAML parser serverless@3 itself reads serverless.yml with (no types of its own).
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

type Sls = { functions: Record<string, { events: Record<string, unknown>[]; provisionedConcurrency?: number }> };
type Sam = { Resources: Record<string, { Properties: { Events?: Record<string, { Type: string; Properties: Record<string, unknown> }>; AutoPublishAlias?: string; ProvisionedConcurrencyConfig?: unknown } }> };

const app = defineApp({
  name: 'demo',
  buckets: { data: 's3://demo-bucket/app' },
  functions: [
    defineFunction({ name: 'predict', trigger: { type: 'http', method: 'POST', path: '/predict' }, init: () => ({ model: 1 }), handler: () => json({}) }),
    defineFunction({ name: 'info', trigger: { type: 'http', method: 'GET', path: '/model' }, handler: () => json({}) }),
    defineFunction({ name: 'train', trigger: { type: 'storage', bucket: 'data', prefix: 'jobs/' }, init: () => ({}), handler: () => undefined }),
    defineFunction({ name: 'ingest', trigger: { type: 'storage', bucket: 'data', prefix: 'raw/' }, handler: () => undefined }),
    defineFunction({ name: 'nightly', trigger: { type: 'schedule', cron: '0 3 * * *' }, handler: () => undefined }),
  ],
});
const plan = planApp(app, { region: 'eu-west-1' });
const warmedNames = ['predict', 'info', 'train'];

describe('--warmup and --provisioned in the AWS templates', () => {
  it('parses rates of 1 to 60 minutes and writes EventBridge rate expressions', () => {
    expect(parseWarmupRate('5m')).toBe(5);
    expect(parseWarmupRate('1')).toBe(1);
    expect(parseWarmupRate('60min')).toBe(60);
    expect(eventBridgeRate(1)).toBe('rate(1 minute)');
    expect(eventBridgeRate(5)).toBe('rate(5 minutes)');
    for (const bad of ['0', '0m', '61m', '5h', '30s', 'abc', '', '-5', '2.5m']) {
      expect(() => parseWarmupRate(bad), bad).toThrow(expect.objectContaining({ name: 'PolyfaasError', code: 'InvalidArgument' }));
    }
  });

  it('serverless.yml: a rate(5 minutes) schedule with the warm-up input on every HTTP function and every function with init', () => {
    const text = toYaml(serverlessYml(plan, { warmupMinutes: 5 }));
    expect(text).toMatch(/- schedule:\n\s+rate:\n\s+- "rate\(5 minutes\)"\n\s+input:\n\s+polyfaas: warmup\n/);
    const sls = yaml.load(text) as Sls;
    for (const [name, fn] of Object.entries(sls.functions)) {
      const warmups = fn.events.filter((e) => (e.schedule as { input?: unknown } | undefined)?.input !== undefined);
      expect(warmups, name).toEqual(warmedNames.includes(name) ? [{ schedule: { rate: ['rate(5 minutes)'], input: WARMUP_EVENT, description: `polyfaas warm-up ping for ${name}` } }] : []);
    }
    // The function's own triggers stay, and the nightly job keeps its cron without a warm-up.
    expect(sls.functions.predict?.events[0]).toEqual({ httpApi: { method: 'POST', path: '/predict', authorizer: { type: 'aws_iam' } } });
    expect(sls.functions.nightly?.events).toEqual([{ schedule: { name: 'nightly', rate: ['cron(0 3 * * ? *)'] } }]);
  });

  it('template.yaml: a SAM Schedule event (an AWS::Events::Rule) whose Input is the warm-up event', () => {
    const text = toYaml(samTemplate(plan, { warmupMinutes: 5 }));
    expect(text).toMatch(/Warmup:\n\s+Type: Schedule\n\s+Properties:\n\s+Schedule: "rate\(5 minutes\)"\n\s+Input: '\{"polyfaas":"warmup"\}'\n/);
    const sam = yaml.load(text) as Sam;
    const warm = Object.entries(sam.Resources).filter(([, r]) => r.Properties.Events?.Warmup).map(([id]) => id);
    expect(warm.sort()).toEqual(['InfoFunction', 'PredictFunction', 'TrainFunction']);
    const event = sam.Resources.PredictFunction?.Properties.Events?.Warmup;
    expect(event?.Type).toBe('Schedule');
    expect(JSON.parse(event?.Properties.Input as string)).toEqual(WARMUP_EVENT);
    expect(sam.Resources.PredictFunction?.Properties.Events?.Api).toBeDefined();
  });

  it('adds nothing without --warmup, and provisioned concurrency to HTTP functions with --provisioned', () => {
    expect(toYaml(serverlessYml(plan))).not.toMatch(/warmup|provisioned/i);
    expect(toYaml(samTemplate(plan))).not.toMatch(/Warmup|Provisioned|AutoPublishAlias/);
    const sls = yaml.load(toYaml(serverlessYml(plan, { provisionedConcurrency: 2 }))) as Sls;
    expect(Object.entries(sls.functions).filter(([, f]) => f.provisionedConcurrency === 2).map(([n]) => n)).toEqual(['predict', 'info']);
    const sam = yaml.load(toYaml(samTemplate(plan, { provisionedConcurrency: 2 }))) as Sam;
    expect(sam.Resources.PredictFunction?.Properties).toMatchObject({ AutoPublishAlias: 'live', ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } });
    expect(sam.Resources.TrainFunction?.Properties.ProvisionedConcurrencyConfig).toBeUndefined();
  });

  it('the command rejects a bad --warmup or --provisioned with InvalidArgument before bundling, and documents both', async () => {
    const io = { out: { write: () => true }, err: { write: () => true } };
    for (const args of [['--warmup', '0'], ['--warmup', '61m'], ['--warmup', '5h'], ['--provisioned', '0'], ['--provisioned', 'many']]) {
      await expect(runBundleCommand(awsBundler, ['does-not-exist.ts', ...args], io), args.join(' ')).rejects.toMatchObject({ name: 'PolyfaasError', code: 'InvalidArgument' });
    }
    let help = '';
    await runBundleCommand(awsBundler, ['--help'], { out: { write: (s: string) => ((help += s), true) }, err: { write: () => true } });
    expect(help).toMatch(/--warmup <rate>/);
    expect(help).toMatch(/--provisioned <n>/);
  });
});
