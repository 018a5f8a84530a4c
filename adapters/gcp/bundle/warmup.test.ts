import { describe, expect, it } from 'vitest';
import { defineApp, defineFunction, json } from '../../../src/index.js';
import { runBundleCommand } from '../../../bundling/command.js';
import { gcpBundler } from './bundler.js';
import { deployPlan, WARMUP_SA_PLACEHOLDER } from './gcp-bundle.js';
import { everyMinutesCron, parseWarmupRate } from './warmup.js';

const app = defineApp({
  name: 'demo',
  buckets: { data: 'gs://demo-bucket/app/' },
  functions: [
    defineFunction({ name: 'predict', trigger: { type: 'http', method: 'POST', path: '/predict' }, init: () => ({}), handler: () => json({}) }),
    defineFunction({ name: 'model-info', trigger: { type: 'http', method: 'GET', path: '/model' }, handler: () => json({}) }),
    defineFunction({ name: 'item', trigger: { type: 'http', method: 'GET', path: '/items/:id' }, handler: () => json({}) }),
    defineFunction({ name: 'train', trigger: { type: 'storage', bucket: 'data', prefix: 'jobs/' }, init: () => ({}), handler: () => undefined }),
  ],
});
const plans = (options: Parameters<typeof deployPlan>[3]) => Object.fromEntries(app.functions.map((fn) => [fn.name, deployPlan(app, fn, '/src/demo', { region: 'europe-west1', ...options })]));

describe('--warmup and --min-instances in the gcloud commands', () => {
  it('prints, per HTTP function, a Cloud Scheduler job calling its URL with the warm-up header and the route method', () => {
    const byName = plans({ warmupMinutes: 5, warmupToken: 'tok-123' });
    expect(byName.predict?.warmup).toEqual([
      "URL=$(gcloud functions describe predict --gen2 --region=europe-west1 --format='value(serviceConfig.uri)')",
      [
        'gcloud scheduler jobs create http polyfaas-warmup-predict',
        '--location=europe-west1',
        "--schedule='*/5 * * * *'",
        '--time-zone=Etc/UTC',
        '--uri="$URL"',
        '--http-method=post',
        '--headers=x-polyfaas-warmup=tok-123',
        `--oidc-service-account-email='${WARMUP_SA_PLACEHOLDER}'`,
        '--oidc-token-audience="$URL"',
      ].join(' \\\n    '),
    ]);
    // The function gets the token the job sends; event functions get none.
    expect(byName.predict?.command).toContain('POLYFAAS_WARMUP_TOKEN=tok-123');
    expect(byName.train?.command).not.toContain('POLYFAAS_WARMUP_TOKEN');
    expect(plans({}).predict?.command).not.toContain('POLYFAAS_WARMUP_TOKEN');
    // A GET route is pinged with GET (another method would be a 405 before the warm-up check); :params get a value.
    expect(byName['model-info']?.warmup[1]).toContain('--http-method=get');
    expect(byName.item?.warmup[1]).toContain('--uri="$URL"/items/warmup');
    // Event functions cannot be called over HTTP: no job, even with init.
    expect(byName.train?.warmup).toEqual([]);
    expect(plans({}).predict?.warmup).toEqual([]);
    expect(plans({ warmupMinutes: 60, warmupServiceAccount: 'warm@p.iam.gserviceaccount.com' }).predict?.warmup[1]).toMatch(/--schedule='0 \* \* \* \*'[\s\S]*--oidc-service-account-email=warm@p.iam.gserviceaccount.com/);
  });

  it('adds --min-instances to HTTP deploys only', () => {
    const byName = plans({ minInstances: 2 });
    expect(byName.predict?.command).toContain('--min-instances=2');
    expect(byName['model-info']?.command).toContain('--min-instances=2');
    expect(byName.train?.command).not.toContain('--min-instances');
    expect(plans({}).predict?.command).not.toContain('--min-instances');
  });

  it('validates the rate, and the command rejects bad flags with InvalidArgument before bundling', async () => {
    expect(parseWarmupRate('5m')).toBe(5);
    expect(everyMinutesCron(5)).toBe('*/5 * * * *');
    expect(everyMinutesCron(1)).toBe('* * * * *');
    const io = { out: { write: () => true }, err: { write: () => true } };
    for (const args of [['--warmup', '0'], ['--warmup', '61'], ['--warmup', '5s'], ['--min-instances=-1'], ['--min-instances', '0'], ['--min-instances', 'x']]) {
      await expect(runBundleCommand(gcpBundler, ['does-not-exist.ts', ...args], io), args.join(' ')).rejects.toMatchObject({ name: 'PolyfaasError', code: 'InvalidArgument' });
    }
    let help = '';
    await runBundleCommand(gcpBundler, ['--help'], { out: { write: (s: string) => ((help += s), true) }, err: { write: () => true } });
    expect(help).toMatch(/--warmup <rate>/);
    expect(help).toMatch(/--min-instances <n>/);
  });
});
