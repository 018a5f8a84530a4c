import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './metrics.js';
import { renderReportHtml } from './report.js';

describe('renderReportHtml', () => {
  const metrics = classificationMetrics([0, 1, 1, 0], [0, 1, 0, 0], ['<script>', 'b & c']);
  const html = renderReportHtml({
    model: 'fashion', version: 'v1', promoted: true, reason: 'first model', metrics,
    history: [{ epoch: 0, loss: 0.9, accuracy: 0.6, seconds: 3 }, { epoch: 1, loss: 0.5, accuracy: 0.8, seconds: 3 }],
    evaluatedAt: '2026-11-27T00:00:00Z',
  });

  it('is self-contained: inline SVG charts, no scripts, no external resources', () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect((html.match(/<svg /g) ?? []).length).toBe(3);
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|src=|href=/i);
  });

  it('escapes labels and shows the metrics', () => {
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('b &amp; c');
    expect(html).toContain('75.00%');
    expect(html).toContain('promoted to production');
  });
});

describe('renderReportHtml comparisons', () => {
  it('shows ROC-AUC and a row per comparison model on the same split', () => {
    const metrics = { ...classificationMetrics([0, 1, 1, 0], [0, 1, 0, 0], ['ham', 'spam']), rocAuc: 0.875 };
    const baseline = classificationMetrics([0, 1, 1, 0], [1, 1, 0, 0], ['ham', 'spam']);
    const html = renderReportHtml({
      model: 'spam',
      version: 'v1',
      promoted: true,
      reason: 'first model',
      metrics,
      history: [],
      evaluatedAt: '2026-01-01T00:00:00Z',
      comparisons: [{ name: 'naive <Bayes>', metrics: baseline }],
    });
    expect(html).toContain('ROC-AUC<b>0.8750</b>');
    expect(html).toContain('<td>naive &lt;Bayes&gt;</td><td>50.00%</td>');
    expect(html).toContain('<th>F1 spam</th>');
  });
});
