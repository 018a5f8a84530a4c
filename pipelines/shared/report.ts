import type { EpochRecord } from './checkpoint.js';
import type { ClassificationMetrics } from './metrics.js';
import { confusionHeatmapSvg, escapeXml, lineChartSvg } from './report-svg.js';
import type { PipelineRunCost } from './run-cost.js';
import { renderRunCostHtml } from './run-cost.js';

/** The evaluation report, as stored in JSON next to its HTML rendering. */
export interface EvaluationReport {
  model: string;
  version: string;
  /** The production version it was compared with, if any. */
  baseline?: { version: string; accuracy: number };
  promoted: boolean;
  reason: string;
  metrics: ClassificationMetrics;
  history: EpochRecord[];
  evaluatedAt: string;
  /** Training facts worth showing (backend, samples/s, epochs...). */
  training?: Record<string, unknown>;
  /** Other models scored on the same test split (e.g. baselines), shown beside the candidate. */
  comparisons?: { name: string; metrics: ClassificationMetrics; seconds?: number }[];
}

/**
 * What the evaluate step records instead of an {@link EvaluationReport} when
 * it refuses to score a candidate (no test split, or too few test examples).
 * Stored at the same key, so a redelivered event finds it and does nothing;
 * the candidate is never promoted.
 */
export interface RefusedEvaluation {
  model: string;
  version: string;
  evaluated: false;
  promoted: false;
  reason: string;
  /** Examples the test split had (0 when it is missing). */
  testExamples: number;
  minTestExamples: number;
  evaluatedAt: string;
}

/** A stored report: scored, or refused. */
export type StoredReport = EvaluationReport | RefusedEvaluation;

/** True for a report that scored the candidate. */
export function isEvaluated(report: StoredReport): report is EvaluationReport {
  return (report as RefusedEvaluation).evaluated !== false;
}

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;

/**
 * Render a report as one self-contained HTML page (inline SVG, no scripts, no
 * network): headline numbers, loss/accuracy curves, the confusion heatmap and
 * the per-class table, and the run's compute time and cost when known.
 */
export function renderReportHtml(report: EvaluationReport, cost?: PipelineRunCost): string {
  const { metrics } = report;
  const epochs = report.history.map((h) => h.epoch + 1);
  const curves = report.history.length
    ? lineChartSvg({ title: 'Training loss', xLabel: 'epoch', series: [{ name: 'loss', color: '#d9480f', points: report.history.map((h, i) => [epochs[i] as number, h.loss]) }] }) +
      lineChartSvg({
        title: 'Accuracy',
        xLabel: 'epoch',
        yMin: 0,
        yMax: 1,
        series: [
          { name: 'train', color: '#1971c2', points: report.history.map((h, i) => [epochs[i] as number, h.accuracy]) },
          { name: 'test', color: '#2f9e44', points: [[epochs[epochs.length - 1] as number, metrics.accuracy]] },
        ],
      })
    : '<p>No training history recorded.</p>';
  const rows = metrics.perClass
    .map((c) => `<tr><td>${escapeXml(c.label)}</td><td>${pct(c.precision)}</td><td>${pct(c.recall)}</td><td>${c.f1.toFixed(3)}</td><td>${c.support}</td></tr>`)
    .join('');
  const verdict = report.promoted ? 'promoted to production' : 'not promoted';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(report.model)} ${escapeXml(report.version)} — evaluation</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}h1{font-size:20px}
.kpi{display:inline-block;margin:0 24px 12px 0}.kpi b{display:block;font-size:24px}table{border-collapse:collapse}
td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}td:first-child,th:first-child{text-align:left}
.charts svg{margin:0 16px 16px 0}.verdict{padding:6px 10px;border-radius:4px;background:${report.promoted ? '#d3f9d8' : '#fff3bf'}}</style></head>
<body><h1>${escapeXml(report.model)} · version ${escapeXml(report.version)}</h1>
<p class="verdict"><b>${verdict}</b> — ${escapeXml(report.reason)}</p>
<div><span class="kpi">accuracy<b>${pct(metrics.accuracy)}</b></span><span class="kpi">macro F1<b>${metrics.macro.f1.toFixed(3)}</b></span>
<span class="kpi">macro precision<b>${pct(metrics.macro.precision)}</b></span><span class="kpi">macro recall<b>${pct(metrics.macro.recall)}</b></span>
<span class="kpi">test examples<b>${metrics.count}</b></span>${metrics.rocAuc !== undefined ? `<span class="kpi">ROC-AUC<b>${metrics.rocAuc.toFixed(4)}</b></span>` : ''}${report.baseline ? `<span class="kpi">production (${escapeXml(report.baseline.version)})<b>${pct(report.baseline.accuracy)}</b></span>` : ''}</div>
<div class="charts">${curves}</div>
<div class="charts">${confusionHeatmapSvg(metrics.confusion, metrics.labels)}</div>
<h2>Per class</h2><table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>${rows}</table>
${report.comparisons?.length ? comparisonTable(report) : ''}
${report.training ? `<h2>Training</h2><pre>${escapeXml(JSON.stringify(report.training, null, 2))}</pre>` : ''}
${cost ? renderRunCostHtml(cost) : ''}
<p><small>evaluated ${escapeXml(report.evaluatedAt)}</small></p></body></html>
`;
}

/** The candidate and each comparison model on the same test split, one row each. */
function comparisonTable(report: EvaluationReport): string {
  const rows = [{ name: `${report.model} (this version)`, metrics: report.metrics }, ...(report.comparisons ?? [])];
  const head = report.metrics.labels.map((l) => `<th>F1 ${escapeXml(l)}</th>`).join('');
  const body = rows
    .map(
      (r) =>
        `<tr><td>${escapeXml(r.name)}</td><td>${pct(r.metrics.accuracy)}</td><td>${r.metrics.macro.f1.toFixed(3)}</td>${r.metrics.perClass.map((c) => `<td>${c.f1.toFixed(3)}</td>`).join('')}<td>${r.metrics.rocAuc !== undefined ? r.metrics.rocAuc.toFixed(4) : '—'}</td></tr>`,
    )
    .join('');
  return `<h2>Compared on the same test split</h2><table><tr><th>model</th><th>accuracy</th><th>macro F1</th>${head}<th>ROC-AUC</th></tr>${body}</table>`;
}
