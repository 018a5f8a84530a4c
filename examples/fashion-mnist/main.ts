/**
 * `npm start`: the Fashion-MNIST pipeline end to end on the local runtime,
 * then serving predictions until interrupted (or `--exit`).
 */
import { resolve } from 'node:path';
import { PIPELINE_BUCKET, renderRunCostText, reportKey, runCostKey } from 'polyfaas/pipelines';
import { recordRunCost } from './run-cost.js';
import { API_KEYS_ENV, generateApiKey, hashApiKey, isPolyfaasError } from 'polyfaas';
import { DEFAULT_DATA_DIR } from './app.js';
import { runFashionMnist } from './run.js';
import { parseRunOptions, USAGE } from './run-options.js';
import { demoPrediction } from './demo-prediction.js';

try {
  const options = parseRunOptions(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
  } else {
    const started = Date.now();
    // The local server is not open either: a key made for this run (only its hash is kept), plus any in POLYFAAS_API_KEYS.
    const apiKey = generateApiKey();
    const auth = { apiKeys: { keys: [{ id: 'npm-start', sha256: hashApiKey(apiKey), scopes: ['predict', 'model:read'] }] } };
    const { server, report, data, invocations } = await runFashionMnist({ ...options, auth }, { out: process.stdout, err: process.stderr });
    const minutes = ((Date.now() - started) / 60_000).toFixed(1);
    if (!report) {
      process.stderr.write(`no model was produced (${minutes} min); see the errors above\n`);
      process.exitCode = 1;
      await server.close();
    } else {
      const html = resolve(options.dataDir ?? DEFAULT_DATA_DIR, reportKey(report.model, report.version, 'html'));
      const cost = await recordRunCost(server, report, data, invocations, apiKey);
      process.stderr.write(`\ncompute and cost of this run (polyfaas cost ${resolve(options.dataDir ?? DEFAULT_DATA_DIR, runCostKey(report.model, report.version))}):\n${renderRunCostText(cost)}`);
      process.stderr.write(
        `\nproduction model ${report.version}: accuracy ${(report.metrics.accuracy * 100).toFixed(2)}%, macro F1 ${report.metrics.macro.f1.toFixed(3)} ` +
          `on ${report.metrics.count} test images (${minutes} min)\nreport: ${html}\n`,
      );
      if (options.exit) {
        await server.close();
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const sample = await demoPrediction(server, data, 0, apiKey);
        process.stderr.write(
          `\nserving on ${server.url}\n  ${sample}\n` +
            `API key for this run (scopes predict, model:read; add your own with ${API_KEYS_ENV}=<id>:<key>:<scopes>):\n  export POLYFAAS_API_KEY=${apiKey}\n` +
            `  curl -s -X POST -H "Authorization: Bearer $POLYFAAS_API_KEY" -H 'content-type: image/png' --data-binary @some-image.png ${server.url}/predict\n` +
            `  curl -s -H "x-api-key: $POLYFAAS_API_KEY" ${server.url}/model\n(ctrl-c to stop; bucket "${PIPELINE_BUCKET}" is ${options.dataDir ?? DEFAULT_DATA_DIR})\n`,
        );
        const stop = () => void server.close().then(() => process.exit(0));
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
    }
  }
} catch (err) {
  process.stderr.write(`fashion-mnist: ${err instanceof Error ? err.message : String(err)}${isPolyfaasError(err) ? ` [${err.code}]` : ''}\n`);
  process.exitCode = 1;
}
