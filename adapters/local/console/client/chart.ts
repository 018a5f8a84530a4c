const SVG = 'http://www.w3.org/2000/svg';

/** One line of a {@link lineChart}. */
export interface Series {
  name: string;
  /** A CSS class (`s1`, `s2`…) giving its colour in the stylesheet, so the page keeps its one CSP-safe stylesheet. */
  cls: string;
  points: readonly (readonly [number, number])[];
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  /** Fixed y range (accuracy: 0–1); otherwise the data's. */
  yMin?: number;
  yMax?: number;
  format?: (y: number) => string;
}

const W = 420;
const H = 220;
const PAD = { left: 48, right: 12, top: 26, bottom: 34 };

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * A small line chart as SVG built node by node (data never becomes markup),
 * scaled to its box. Screen readers get its title and each series' last value.
 */
export function lineChart(series: readonly Series[], options: ChartOptions): SVGSVGElement {
  const format = options.format ?? ((y: number) => y.toFixed(3));
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const x0 = Math.min(...xs, 0);
  const x1 = Math.max(...xs, x0 + 1);
  let y0 = options.yMin ?? Math.min(...ys);
  let y1 = options.yMax ?? Math.max(...ys);
  if (!Number.isFinite(y0) || !Number.isFinite(y1)) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-9) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const summary = series.map((s) => `${s.name} ${s.points.length ? format((s.points.at(-1) as readonly [number, number])[1]) : 'no data'}`).join(', ');
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${options.title}: ${summary}`, class: 'chart' });
  svg.append(el('title', {}, `${options.title}: ${summary}`));
  svg.append(el('text', { x: PAD.left, y: 16, class: 'chart-title' }, options.title));
  svg.append(el('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }));
  svg.append(el('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }));
  for (const y of [y0, (y0 + y1) / 2, y1]) {
    svg.append(el('text', { x: PAD.left - 4, y: sy(y) + 4, class: 'tick', 'text-anchor': 'end' }, format(y)));
    svg.append(el('line', { x1: PAD.left, y1: sy(y), x2: W - PAD.right, y2: sy(y), class: 'grid' }));
  }
  svg.append(el('text', { x: PAD.left, y: H - PAD.bottom + 14, class: 'tick' }, String(Math.round(x0))));
  svg.append(el('text', { x: W - PAD.right, y: H - PAD.bottom + 14, class: 'tick', 'text-anchor': 'end' }, String(Math.round(x1))));
  svg.append(el('text', { x: (W + PAD.left) / 2, y: H - 6, class: 'tick', 'text-anchor': 'middle' }, options.xLabel));
  series.forEach((s, i) => {
    if (s.points.length > 1) svg.append(el('polyline', { points: s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' '), class: `line ${s.cls}` }));
    for (const [x, y] of s.points.length <= 1 ? s.points : s.points.slice(-1)) svg.append(el('circle', { cx: sx(x), cy: sy(y), r: 3, class: `dot ${s.cls}` }));
    svg.append(el('text', { x: W - PAD.right - i * 80, y: 16, class: `legend ${s.cls}`, 'text-anchor': 'end' }, s.name));
  });
  return svg;
}
