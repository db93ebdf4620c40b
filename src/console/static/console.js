// The console page: one server-sent event stream (/console/events), one snapshot per second, rendered in place.
import { latencyChart, sinceStart, trafficChart } from './charts.js';
import { breakers, errorsByClass, limits, requests, runs, tiles, totals } from './panels.js';

const $ = (id) => document.getElementById(id);
const status = $('status');
const statusText = $('status-text');
const pauseButton = $('pause');
const signOut = $('signout');
let paused = false;
/** While paused, only the newest state is kept (and the rows, bounded), so a page left paused does not grow. */
let pending;
let pendingRows = [];
/** A reconnected stream starts over with the last rows: the ones already shown are skipped. */
let lastSeq = 0;

function setStatus(kind, message) {
  status.classList.toggle('live', kind === 'live');
  status.classList.toggle('down', kind === 'down');
  statusText.textContent = message;
}

function render(snapshot, newRows) {
  tiles(snapshot);
  trafficChart($('c-traffic'), sinceStart(snapshot.traffic, snapshot.startedAt, 1));
  latencyChart($('c-latency'), sinceStart(snapshot.latencySeries, snapshot.startedAt, 10));
  errorsByClass($('errors'), snapshot.errorsByClass);
  breakers($('breakers'), snapshot.breakers);
  limits($('limits'), snapshot.limits, snapshot.limitsError);
  totals($('models'), snapshot.byModel, 'model calls');
  totals($('keys'), snapshot.byKey, 'calls');
  runs($('runs'), snapshot.runs, snapshot.runsError);
  requests($('requests'), newRows);
}

const events = new EventSource('/console/events');
events.addEventListener('hello', (event) => {
  const hello = JSON.parse(event.data);
  signOut.hidden = !hello.session;
});
events.addEventListener('snapshot', (event) => {
  const snapshot = JSON.parse(event.data);
  snapshot.requests = snapshot.requests.filter((row) => row.seq > lastSeq);
  if (snapshot.requests.length > 0) lastSeq = snapshot.requests[0].seq;
  setStatus('live', paused ? 'Live (paused)' : 'Live');
  if (paused) {
    pending = snapshot;
    pendingRows = [...snapshot.requests, ...pendingRows].slice(0, 60);
    return;
  }
  render(snapshot, snapshot.requests);
});
events.addEventListener('signed-out', () => window.location.reload());
events.addEventListener('open', () => setStatus('live', 'Live'));
events.addEventListener('error', () => {
  // EventSource reconnects by itself; a closed stream (refused, signed out) means the page must reload.
  if (events.readyState === EventSource.CLOSED) {
    setStatus('down', 'Disconnected: reload the page');
  } else {
    setStatus('down', 'Reconnecting…');
  }
});

pauseButton.addEventListener('click', () => {
  paused = !paused;
  pauseButton.setAttribute('aria-pressed', String(paused));
  pauseButton.textContent = paused ? 'Resume updates' : 'Pause updates';
  if (!paused && pending !== undefined) {
    render(pending, pendingRows);
    pending = undefined;
    pendingRows = [];
  }
  setStatus('live', paused ? 'Live (paused)' : 'Live');
});

signOut.addEventListener('click', async () => {
  events.close();
  await fetch('/console/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => undefined);
  window.location.assign('/console');
});
