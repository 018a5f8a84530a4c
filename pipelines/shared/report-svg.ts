/** Escape text for HTML/SVG. */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** One line on a chart. */
export interface Series {
  name: string;
  color: string;
  points: ReadonlyArray<readonly [number, number]>;
}

/**
 * A line chart as standalone SVG: axes with ticks, one polyline per series
 * and a legend. Handles a single point (drawn as a dot) and flat series.
 */
export function lineChartSvg(options: { title: string; xLabel: string; series: readonly Series[]; width?: number; height?: number; yMin?: number; yMax?: number }): string {
  const width = options.width ?? 420;
  const height = options.height ?? 260;
  const pad = { left: 48, right: 16, top: 28, bottom: 40 };
  const all = options.series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs, xMin + 1);
  let yMin = options.yMin ?? Math.min(...ys, 0);
  let yMax = options.yMax ?? Math.max(...ys, yMin + 1e-6);
  if (yMax - yMin < 1e-9) [yMin, yMax] = [yMin - 0.5, yMax + 0.5];
  const sx = (x: number) => pad.left + ((x - xMin) / (xMax - xMin)) * (width - pad.left - pad.right);
  const sy = (y: number) => height - pad.bottom - ((y - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  const ticks = (min: number, max: number, n: number) => Array.from({ length: n + 1 }, (_, i) => min + ((max - min) * i) / n);
  const fmt = (v: number) => (Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(options.title)}">`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="600">${escapeXml(options.title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
  ];
  for (const y of ticks(yMin, yMax, 4)) {
    parts.push(
      `<line x1="${pad.left}" y1="${sy(y)}" x2="${width - pad.right}" y2="${sy(y)}" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${sy(y) + 4}" text-anchor="end" font-size="10">${fmt(y)}</text>`,
    );
  }
  // Whole-number axes (epochs) get whole-number ticks.
  const integral = xs.every(Number.isInteger) && xMax - xMin <= 12;
  const xTicks = integral ? Array.from({ length: xMax - xMin + 1 }, (_, i) => xMin + i) : ticks(xMin, xMax, 5);
  for (const x of xTicks) {
    parts.push(`<text x="${sx(x)}" y="${height - pad.bottom + 14}" text-anchor="middle" font-size="10">${fmt(x)}</text>`);
  }
  parts.push(`<text x="${width / 2}" y="${height - 6}" text-anchor="middle" font-size="11">${escapeXml(options.xLabel)}</text>`);
  options.series.forEach((s, i) => {
    const coords = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`);
    if (coords.length === 1) {
      const [x, y] = s.points[0] as readonly [number, number];
      parts.push(`<circle cx="${sx(x)}" cy="${sy(y)}" r="3" fill="${s.color}"/>`);
    } else if (coords.length > 1) {
      parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${coords.join(' ')}"/>`);
    }
    const ly = pad.top + 4 + i * 14;
    parts.push(
      `<rect x="${width - pad.right - 110}" y="${ly - 8}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${width - pad.right - 96}" y="${ly + 1}" font-size="11">${escapeXml(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

/**
 * A confusion-matrix heatmap: rows are actual classes, columns predicted;
 * cell shade is the row-normalised rate, the number is the count.
 */
export function confusionHeatmapSvg(confusion: readonly (readonly number[])[], labels: readonly string[]): string {
  const k = labels.length;
  const cell = 38;
  const left = 110;
  const top = 110;
  // Room on the right for the last rotated column label.
  const size = left + k * cell + 70;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${top + k * cell + 30}" role="img" aria-label="Confusion matrix">`];
  parts.push(`<text x="${size / 2}" y="16" text-anchor="middle" font-size="14" font-weight="600">Confusion matrix (rows: actual, columns: predicted)</text>`);
  labels.forEach((label, i) => {
    const x = left + i * cell + cell / 2;
    parts.push(`<text transform="translate(${x},${top - 6}) rotate(-45)" font-size="10">${escapeXml(label)}</text>`);
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="10">${escapeXml(label)}</text>`);
  });
  confusion.forEach((row, i) => {
    const total = row.reduce((s, v) => s + v, 0) || 1;
    row.forEach((count, j) => {
      const rate = count / total;
      // Blue for the diagonal (right), red off it (wrong); darker means more.
      const hue = i === j ? 215 : 5;
      const light = Math.round(97 - rate * 55);
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell - 1}" height="${cell - 1}" fill="hsl(${hue},70%,${light}%)"><title>${escapeXml(labels[i] ?? '')} → ${escapeXml(labels[j] ?? '')}: ${count} (${(rate * 100).toFixed(1)}%)</title></rect>`,
        `<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" font-size="10" fill="${light < 60 ? '#fff' : '#222'}">${count}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
