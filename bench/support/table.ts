import type { BenchRow } from './types.js';

/** Numbers with 3 significant digits, so 0.0123 and 12345 both stay readable. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 1000) return n.toFixed(0);
  return n.toPrecision(3);
}

/** The results table as fixed-width text: metric, baseline, polyfaas, unit, ratio, target, pass/fail. */
export function formatTable(rows: readonly BenchRow[]): string {
  const header = ['metric', 'baseline', 'polyfaas', 'unit', 'ratio', 'target', 'result'];
  const body = rows.map((r) => [r.metric, fmt(r.baseline), fmt(r.polyfaas), r.unit, `${fmt(r.ratio)}x`, r.target, r.target === 'info' ? '-' : r.pass ? 'PASS' : 'FAIL']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 || i >= 5 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
