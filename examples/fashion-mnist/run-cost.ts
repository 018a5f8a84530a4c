import type { InvocationFacts } from 'polyfaas';
import type { LocalServer } from 'polyfaas/local';
import type { EvaluationReport, PipelineRunCost } from 'polyfaas/pipelines';
import { PIPELINE_BUCKET, pipelineRunCost, renderReportHtml, reportKey, runCostKey } from 'polyfaas/pipelines';
import type { FashionMnist } from './data/source.js';
import { demoPrediction } from './demo-prediction.js';

/** Predictions timed to price predict per million requests. */
const PREDICT_SAMPLES = 20;

/**
 * Cost the run that produced `report`: time a few predictions, total the
 * invocations per stage, store the result next to the report (and in its
 * HTML) so `polyfaas cost` can print it again, and return it.
 */
export async function recordRunCost(server: LocalServer, report: EvaluationReport, data: FashionMnist, invocations: readonly InvocationFacts[], apiKey?: string): Promise<PipelineRunCost> {
  for (let i = 0; i < PREDICT_SAMPLES; i++) await demoPrediction(server, data, i % data.test.count, apiKey);
  // The observer hands records over on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
  const cost = pipelineRunCost(invocations);
  const bucket = server.bucket(PIPELINE_BUCKET);
  await bucket.put(runCostKey(report.model, report.version), JSON.stringify(cost), { contentType: 'application/json' });
  await bucket.put(reportKey(report.model, report.version, 'html'), renderReportHtml(report, cost), { contentType: 'text/html; charset=utf-8' });
  return cost;
}
