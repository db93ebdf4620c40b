// Small helpers shared by the console's modules: building DOM nodes (text only: data never becomes markup) and formatting numbers.
const SVG = 'http://www.w3.org/2000/svg';

/** An element with attributes and children; strings become text nodes. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  return node;
}

/** Replaces a table body's rows, or shows one row saying why it is empty. */
export function fillBody(table, rows, columns, emptyText) {
  const body = table.tBodies[0];
  if (rows.length === 0) body.replaceChildren(el('tr', {}, el('td', { colspan: columns, class: 'empty' }, emptyText)));
  else body.replaceChildren(...rows);
}

/** A bar of `value` out of `max`, with its level for colour: ok, warn (>= 80%), full (>= 100%). */
export function meter(value, max, label) {
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  const fill = el('span', { class: 'fill' });
  fill.style.width = `${(ratio * 100).toFixed(1)}%`;
  const level = max > 0 && value >= max ? 'full' : ratio >= 0.8 ? 'warn' : 'ok';
  return el('div', { class: `meter ${level}`, role: 'meter', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': max, 'aria-valuenow': Math.min(value, max) }, fill);
}

export function ms(value) {
  if (value === undefined || value === null) return '–';
  if (value < 1) return '<1 ms';
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  return `${(value / 60_000).toFixed(1)} min`;
}

export function count(value) {
  if (value === undefined || value === null) return '–';
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${(value / 1000).toFixed(value < 10_000 ? 1 : 0)}k`;
  return `${(value / 1_000_000).toFixed(1)}M`;
}

export function usd(value) {
  if (value === undefined || value === null) return '–';
  if (value === 0) return '$0';
  if (value < 0.0001) return `$${value.toPrecision(2)}`;
  if (value < 0.01) return `$${value.toFixed(4)}`;
  if (value < 100) return `$${value.toFixed(2)}`;
  return `$${Math.round(value).toLocaleString('en-US')}`;
}

export function rate(value) {
  return value < 10 ? value.toFixed(1) : String(Math.round(value));
}

export function clock(epochMs) {
  return new Date(epochMs).toLocaleTimeString('en-GB', { hour12: false });
}

/** error classes and states as people read them: `rate_limited` -> `rate limited`. */
export function words(name) {
  return String(name).replaceAll('_', ' ');
}
