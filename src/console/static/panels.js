// The console's panels: tiles, errors by class, breakers, limits, totals by model and key, runs, last requests.
import { clock, count, el, fillBody, meter, ms, rate, usd, words } from './format.js';

const MAX_ROWS = 60;
const STATE_TEXT = { closed: 'closed', half_open: 'half-open', open: 'open' };

function text(id, value) {
  document.getElementById(id).textContent = value;
}

export function tiles(s) {
  text('t-rate', rate(s.requestsPerSecond));
  const errorShare = s.recent.requests === 0 ? 0 : s.recent.errors / s.recent.requests;
  text('t-errors', s.recent.requests === 0 ? '–' : `${(errorShare * 100).toFixed(errorShare < 0.1 ? 1 : 0)}%`);
  document.getElementById('t-errors').classList.toggle('bad', errorShare >= 0.05);
  text('t-errors-sub', `${s.recent.errors} of ${s.recent.requests}, last 60 s`);
  text('t-latency', s.recent.latency.count === 0 ? '–' : ms(s.recent.latency.p50Ms));
  text('t-latency-sub', s.recent.latency.count === 0 ? 'last 60 s' : `p99 ${ms(s.recent.latency.p99Ms)}, last 60 s`);
  text('t-ttft', s.recent.ttft.count === 0 ? '–' : ms(s.recent.ttft.p50Ms));
  text('t-ttft-sub', s.recent.ttft.count === 0 ? 'streams, last 60 s' : `p99 ${ms(s.recent.ttft.p99Ms)}, ${s.recent.ttft.count} streams`);
  text('t-tokens', `${count(s.totals.inputTokens)} / ${count(s.totals.outputTokens)}`);
  text('t-tokens-sub', `${count(s.totals.requests)} requests since start`);
  text('t-cost', usd(s.totals.costUsd));
  text('since', new Date(s.startedAt).toLocaleString('en-GB'));
}

export function errorsByClass(list, rows) {
  if (rows.length === 0) return list.replaceChildren(el('li', { class: 'empty' }, 'No errors in the last 5 minutes.'));
  const top = Math.max(...rows.map((r) => r.count));
  list.replaceChildren(...rows.map((r) => {
    const fill = el('span', { class: 'fill' });
    fill.style.width = `${((r.count / top) * 100).toFixed(1)}%`;
    return el('li', {}, el('span', {}, words(r.errorClass)), el('span', { class: 'track', 'aria-hidden': 'true' }, fill), el('span', { class: 'count' }, String(r.count)));
  }));
}

export function breakers(list, rows) {
  if (rows.length === 0) return list.replaceChildren(el('li', { class: 'empty' }, 'No upstreams.'));
  list.replaceChildren(...rows.map((b) => el('li', { 'data-upstream': b.upstream }, el('span', {}, b.upstream), el('span', { class: `state ${b.state}`, 'data-state': b.state }, STATE_TEXT[b.state] ?? b.state))));
}

function limitCell(key, name, usage, formatter) {
  if (usage === undefined || usage === null) return el('td', { class: 'muted' }, 'no limit');
  const [used, limit] = usage;
  return el('td', {}, el('div', { class: 'limit' }, meter(used, limit, `${key} ${name}: ${formatter(used)} of ${formatter(limit)}`), el('span', { class: 'text' }, `${formatter(used)} / ${formatter(limit)}`)));
}

export function limits(table, rows, error) {
  if (error !== undefined && error !== null) return fillBody(table, [], 5, `Shared state could not be read: ${error}`);
  fillBody(table, rows.map((k) => el('tr', {},
    el('th', { scope: 'row' }, k.key),
    limitCell(k.key, 'requests per minute', k.rpm && [k.rpm.used, k.rpm.limit], count),
    limitCell(k.key, 'tokens per minute', k.tpm && [k.tpm.used, k.tpm.limit], count),
    k.concurrency
      ? el('td', {}, el('div', { class: 'limit' }, meter(k.concurrency.inUse, k.concurrency.limit, `${k.key} concurrency`), el('span', { class: 'text' }, `${k.concurrency.inUse} / ${k.concurrency.limit}${k.concurrency.queued > 0 ? `, ${k.concurrency.queued} queued` : ''}`)))
      : el('td', { class: 'muted' }, 'no limit'),
    limitCell(k.key, 'daily budget', k.budget && [k.budget.spentUsd, k.budget.limitUsd], usd),
  )), 5, 'No key has limits (keys[].limits in the config).');
}

export function totals(table, rows, what) {
  const top = Math.max(0, ...rows.map((r) => r.costUsd));
  fillBody(table, rows.map((r) => el('tr', {},
    el('th', { scope: 'row', title: r.name }, r.name),
    el('td', { class: 'num' }, count(r.requests)),
    el('td', { class: 'num' }, count(r.inputTokens)),
    el('td', { class: 'num' }, count(r.outputTokens)),
    el('td', {}, el('div', { class: 'costbar' }, el('span', { class: 'num' }, usd(r.costUsd)), el('span', { 'aria-hidden': 'true' }, meter(r.costUsd, top, `${r.name} cost`)))),
  )), 5, `No ${what} yet.`);
}

export function runs(table, rows, error) {
  if (error !== undefined && error !== null) return fillBody(table, [], 6, `Runs could not be read: ${error}`);
  fillBody(table, rows.map((r) => el('tr', {},
    el('td', { title: r.id }, r.id),
    el('td', {}, r.key),
    el('td', { class: 'num' }, String(r.calls)),
    el('td', { class: 'num' }, String(r.toolCalls)),
    el('td', { class: 'num' }, usd(r.costUsd)),
    el('td', {}, clock(Date.parse(r.lastCallAt))),
  )), 6, 'No active runs.');
}

/** Prepends the new rows (newest first) and keeps at most MAX_ROWS in the page. */
export function requests(table, rows) {
  const body = table.tBodies[0];
  if (rows.length === 0) {
    if (body.rows.length === 0) body.append(el('tr', { class: 'placeholder' }, el('td', { colspan: 11, class: 'empty' }, 'No requests yet. Point a client at this gateway.')));
    return;
  }
  body.querySelector('tr.placeholder')?.remove();
  const fresh = rows.slice(0, MAX_ROWS).map((r) => el('tr', { class: r.errorClass ? 'failed' : undefined, title: `request ${r.requestId}` },
    el('td', {}, clock(r.at)),
    el('td', {}, r.key),
    el('td', { title: r.model }, r.model || r.route),
    el('td', {}, r.upstream || '–'),
    el('td', { class: 'num' }, String(r.status)),
    el('td', {}, r.errorClass ? el('span', { class: 'cls' }, words(r.errorClass)) : '–'),
    el('td', { class: 'num' }, ms(r.latencyMs)),
    el('td', { class: 'num' }, r.stream ? ms(r.ttftMs) : '–'),
    el('td', { class: 'num' }, `${count(r.inputTokens)} / ${count(r.outputTokens)}`),
    el('td', { class: 'num' }, usd(r.costUsd)),
    el('td', { title: r.runId ?? '' }, r.runId ?? '–'),
  ));
  body.prepend(...fresh);
  while (body.rows.length > MAX_ROWS) body.deleteRow(-1);
}
