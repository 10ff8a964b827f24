/** Minimal SVG charts written by hand (no external service, no dependency). */
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Horizontal bars, one per item, with the value printed at the end of each bar. */
export function barChart(title: string, items: { label: string; value: number; note?: string }[], unit = ''): string {
  const w = 1100;
  const rowH = 28;
  const left = 560;
  const top = 40;
  const h = top + items.length * rowH + 20;
  const max = Math.max(1e-9, ...items.map((i) => i.value));
  const bars = items.map((it, i) => {
    const y = top + i * rowH;
    const bw = Math.max(1, ((w - left - 120) * it.value) / max);
    return `<text x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(it.label)}</text>` +
      `<rect x="${left}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 10}" fill="${it.value >= 1 ? '#2b8a3e' : '#1c7ed6'}"/>` +
      `<text x="${left + bw + 6}" y="${y + 17}">${fmt(it.value)}${esc(unit)}${it.note ? ` ${esc(it.note)}` : ''}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="13">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="24" font-size="16" font-weight="bold">${esc(title)}</text>${bars.join('')}</svg>\n`;
}

/** Lines over a shared x axis (log-free, linear), with axis labels and a legend. */
export function lineChart(title: string, xLabel: string, yLabel: string, series: { name: string; points: [number, number][] }[], yLimit?: number): string {
  const w = 760;
  const h = 420;
  const m = { l: 70, r: 150, t: 40, b: 50 };
  const pts = series.flatMap((s) => s.points);
  const xMax = Math.max(1, ...pts.map((p) => p[0]));
  const yMax = Math.max(1, yLimit ?? 0, ...pts.map((p) => p[1])) * 1.1;
  const X = (x: number) => m.l + (x / xMax) * (w - m.l - m.r);
  const Y = (y: number) => h - m.b - (Math.min(y, yMax) / yMax) * (h - m.t - m.b);
  const colors = ['#1c7ed6', '#e8590c', '#2b8a3e', '#862e9c'];
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) =>
    `<text x="${X(xMax * f)}" y="${h - m.b + 18}" text-anchor="middle">${fmt(xMax * f)}</text>` +
    `<text x="${m.l - 6}" y="${Y(yMax * f) + 4}" text-anchor="end">${fmt(yMax * f)}</text>` +
    `<line x1="${m.l}" x2="${w - m.r}" y1="${Y(yMax * f)}" y2="${Y(yMax * f)}" stroke="#eee"/>`);
  const lines = series.map((s, i) => {
    const c = colors[i % colors.length];
    const d = s.points.map((p, j) => `${j ? 'L' : 'M'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join('');
    const dots = s.points.map((p) => `<circle cx="${X(p[0]).toFixed(1)}" cy="${Y(p[1]).toFixed(1)}" r="3" fill="${c}"/>`).join('');
    return `<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>${dots}` +
      `<text x="${w - m.r + 10}" y="${m.t + 20 + i * 18}" fill="${c}">${esc(s.name)}</text>`;
  });
  const limit = yLimit !== undefined
    ? `<line x1="${m.l}" x2="${w - m.r}" y1="${Y(yLimit)}" y2="${Y(yLimit)}" stroke="#c92a2a" stroke-dasharray="4 4"/><text x="${w - m.r + 10}" y="${Y(yLimit) + 4}" fill="#c92a2a">limit</text>`
    : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="24" font-size="16" font-weight="bold">${esc(title)}</text>` +
    `${ticks.join('')}<line x1="${m.l}" y1="${h - m.b}" x2="${w - m.r}" y2="${h - m.b}" stroke="#333"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${h - m.b}" stroke="#333"/>` +
    `<text x="${(m.l + w - m.r) / 2}" y="${h - 12}" text-anchor="middle">${esc(xLabel)}</text>` +
    `<text x="16" y="${(m.t + h - m.b) / 2}" transform="rotate(-90 16 ${(m.t + h - m.b) / 2})" text-anchor="middle">${esc(yLabel)}</text>` +
    `${limit}${lines.join('')}</svg>\n`;
}

/** Charts of the same size one above the other, in one SVG document. */
export function stackCharts(charts: string[]): string {
  const inner = charts.map((c) => /<svg[^>]*width="(\d+)" height="(\d+)"[^>]*>([\s\S]*)<\/svg>/.exec(c)!);
  const w = Math.max(...inner.map((m) => Number(m[1])));
  let y = 0;
  const parts = inner.map((m) => {
    const g = `<g transform="translate(0,${y})">${m[3]}</g>`;
    y += Number(m[2]);
    return g;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${y}" font-family="sans-serif" font-size="12">${parts.join('')}</svg>\n`;
}
