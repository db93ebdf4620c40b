// The console's two charts, drawn as small inline SVGs (no library): requests per second, and latency percentiles.
import { ms, svg } from './format.js';

const HEIGHT = 150;
const LEFT = 56;
const BOTTOM = 18;
const TOP = 8;

/** A round axis maximum at or above `value`. */
function niceMax(value) {
  if (!(value > 0)) return 1;
  const step = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * step >= value) return m * step;
  return 10 * step;
}

/** The chart is drawn at its box's own width, so its text keeps its size in a narrow panel. */
function widthOf(container) {
  return Math.max(280, Math.round(container.clientWidth || 600));
}

/** A young gateway's chart spans its life so far (a minute at least), not five mostly empty minutes. */
export function sinceStart(points, startedAtMs, stepSeconds) {
  const keep = Math.max(Math.ceil(60 / stepSeconds), Math.ceil((Date.now() - startedAtMs) / 1000 / stepSeconds) + 1);
  return points.slice(-Math.min(points.length, keep));
}

function spanLabel(seconds) {
  return seconds >= 120 ? `−${Math.round(seconds / 60)} min` : `−${Math.round(seconds)} s`;
}

function frame(label, yTop, yFormat, width, spanSeconds) {
  const plotHeight = HEIGHT - BOTTOM - TOP;
  const root = svg('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': label });
  root.append(svg('title', {}, label));
  for (const fraction of [0, 0.5, 1]) {
    const y = TOP + plotHeight * (1 - fraction);
    root.append(svg('line', { class: 'grid', x1: LEFT, x2: width, y1: y, y2: y }));
    root.append(svg('text', { class: 'axis', x: LEFT - 6, y: y + 4, 'text-anchor': 'end' }, fraction === 0 ? '0' : yFormat(yTop * fraction)));
  }
  root.append(svg('text', { class: 'axis', x: LEFT, y: HEIGHT - 4 }, spanLabel(spanSeconds)));
  root.append(svg('text', { class: 'axis', x: width, y: HEIGHT - 4, 'text-anchor': 'end' }, 'now'));
  return { root, plotHeight };
}

/** One bar per second, failures stacked on answered requests. */
export function trafficChart(container, traffic) {
  const peak = Math.max(0, ...traffic.map((s) => s.requests));
  const latest = traffic.slice(-10).reduce((sum, s) => sum + s.requests, 0) / 10;
  const failed = traffic.reduce((sum, s) => sum + s.errors, 0);
  const top = niceMax(peak);
  const label = `Requests per second over the last ${spanLabel(traffic.length).slice(1)}: about ${latest.toFixed(1)} per second now, peak ${peak}, ${failed} failed in all.`;
  const width = widthOf(container);
  const { root, plotHeight } = frame(label, top, (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)), width, traffic.length);
  const barWidth = (width - LEFT) / traffic.length;
  traffic.forEach((second, i) => {
    if (second.requests === 0) return;
    const x = LEFT + i * barWidth;
    const okHeight = ((second.requests - second.errors) / top) * plotHeight;
    const errHeight = (second.errors / top) * plotHeight;
    const base = TOP + plotHeight;
    if (okHeight > 0) root.append(svg('rect', { class: 'ok', x, y: base - okHeight, width: Math.max(barWidth - 0.4, 0.6), height: okHeight }));
    if (errHeight > 0) root.append(svg('rect', { class: 'err', x, y: base - okHeight - errHeight, width: Math.max(barWidth - 0.4, 0.6), height: errHeight }));
  });
  container.replaceChildren(root);
}

/** p50 and p99 per 10 s step; steps without requests leave a gap. */
export function latencyChart(container, series) {
  const peak = Math.max(0, ...series.map((p) => p.p99Ms ?? 0));
  const top = niceMax(peak);
  const last = [...series].reverse().find((p) => p.p50Ms !== undefined && p.p50Ms !== null);
  const span = spanLabel(series.length * 10).slice(1);
  const label = last === undefined ? `Latency over the last ${span}: no requests yet.` : `Latency over the last ${span}: latest p50 ${ms(last.p50Ms)}, p99 ${ms(last.p99Ms)}; highest p99 ${ms(peak)}.`;
  const width = widthOf(container);
  const { root, plotHeight } = frame(label, top, (v) => ms(v), width, series.length * 10);
  const step = (width - LEFT) / Math.max(1, series.length - 1);
  for (const [name, pick] of [['p99', (p) => p.p99Ms], ['p50', (p) => p.p50Ms]]) {
    let path = '';
    series.forEach((point, i) => {
      const value = pick(point);
      if (value === undefined || value === null) {
        path += ' ';
        return;
      }
      const x = LEFT + i * step;
      const y = TOP + plotHeight * (1 - Math.min(1, value / top));
      path += `${path === '' || path.endsWith(' ') ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    });
    if (path.trim() !== '') root.append(svg('path', { class: name, d: path.trim() }));
    series.forEach((point, i) => {
      const value = pick(point);
      if (value === undefined || value === null) return;
      root.append(svg('circle', { class: name, cx: LEFT + i * step, cy: TOP + plotHeight * (1 - Math.min(1, value / top)), r: 1.8 }));
    });
  }
  container.replaceChildren(root);
}
