import diagnosticsChannel from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';

/** Connect and first-byte times of one upstream attempt, in performance.now() milliseconds. */
export interface AttemptTimings {
  /** undici created the request (it may then wait for a pooled connection). */
  createdAt: number | undefined;
  /** A new connection was opened for this attempt: its start and end. Undefined on a reused socket. */
  connectStart: number | undefined;
  connectEnd: number | undefined;
  /** The request's first byte was written to the socket. */
  sentAt: number | undefined;
  /** Response headers arrived. */
  firstByteAt: number | undefined;
}

interface SocketConnect {
  readonly start: number;
  readonly end: number;
  /** The first request on a socket paid for its connect; later ones reuse it. */
  claimed: boolean;
}

interface CreateMessage { request: { headers?: unknown } }
interface SendHeadersMessage { request: object; socket: object }
interface RequestMessage { request: object }
interface ConnectParamsMessage { connectParams: { host?: string } }
interface ConnectedMessage { connectParams: { host?: string }; socket: object }

/**
 * Per-attempt timings from undici's diagnostics channels, so a client span can show connect and
 * first-byte times. Pooled connections are shared, so the connect is tied to the first request
 * sent on the new socket. Attempts are found by the traceparent header we set on them; only
 * subscribed while tracing is on, so an untraced gateway pays nothing here.
 */
export class UndiciTimings {
  private readonly byTraceparent = new Map<string, AttemptTimings>();
  private readonly byRequest = new WeakMap<object, AttemptTimings>();
  /** Connect start times per host, oldest first: undici publishes a new connectParams object on each event, so they pair by host. */
  private readonly connecting = new Map<string, number[]>();
  private readonly sockets = new WeakMap<object, SocketConnect>();
  private readonly handlers: Array<[string, (message: unknown) => void]> = [
    ['undici:request:create', (m) => this.onCreate(m as CreateMessage)],
    ['undici:client:beforeConnect', (m) => this.onBeforeConnect(m as ConnectParamsMessage)],
    ['undici:client:connected', (m) => this.onConnected(m as ConnectedMessage)],
    ['undici:client:sendHeaders', (m) => this.onSendHeaders(m as SendHeadersMessage)],
    ['undici:request:headers', (m) => this.onHeaders(m as RequestMessage)],
  ];

  subscribe(): void {
    for (const [name, handler] of this.handlers) diagnosticsChannel.subscribe(name, handler);
  }

  unsubscribe(): void {
    for (const [name, handler] of this.handlers) diagnosticsChannel.unsubscribe(name, handler);
  }

  /** Starts collecting for the attempt whose request carries this traceparent. */
  track(traceparent: string): AttemptTimings {
    const timings: AttemptTimings = { createdAt: undefined, connectStart: undefined, connectEnd: undefined, sentAt: undefined, firstByteAt: undefined };
    this.byTraceparent.set(traceparent, timings);
    return timings;
  }

  untrack(traceparent: string): void {
    this.byTraceparent.delete(traceparent);
  }

  private onCreate({ request }: CreateMessage): void {
    if (this.byTraceparent.size === 0) return;
    const traceparent = headerValue(request.headers, 'traceparent');
    const timings = traceparent === undefined ? undefined : this.byTraceparent.get(traceparent);
    if (timings === undefined) return;
    timings.createdAt = performance.now();
    this.byRequest.set(request, timings);
  }

  private onBeforeConnect({ connectParams }: ConnectParamsMessage): void {
    const host = connectParams.host ?? '';
    const starts = this.connecting.get(host);
    if (starts === undefined) this.connecting.set(host, [performance.now()]);
    else starts.push(performance.now());
  }

  /** Concurrent connects to one host pair first-started with first-finished: close enough for a span. */
  private onConnected({ connectParams, socket }: ConnectedMessage): void {
    const host = connectParams.host ?? '';
    const starts = this.connecting.get(host);
    const start = starts?.shift();
    if (starts !== undefined && starts.length === 0) this.connecting.delete(host);
    if (start !== undefined) this.sockets.set(socket, { start, end: performance.now(), claimed: false });
  }

  private onSendHeaders({ request, socket }: SendHeadersMessage): void {
    const timings = this.byRequest.get(request);
    if (timings === undefined) return;
    timings.sentAt = performance.now();
    const connect = this.sockets.get(socket);
    if (connect !== undefined && !connect.claimed) {
      connect.claimed = true;
      timings.connectStart = connect.start;
      timings.connectEnd = connect.end;
    }
  }

  private onHeaders({ request }: RequestMessage): void {
    const timings = this.byRequest.get(request);
    if (timings !== undefined) timings.firstByteAt = performance.now();
  }
}

/** undici publishes request headers as a flat [name, value, ...] array (a string in older versions). */
function headerValue(headers: unknown, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  if (typeof headers === 'string') {
    const at = headers.toLowerCase().indexOf(`${name}:`);
    if (at === -1) return undefined;
    const end = headers.indexOf('\r\n', at);
    return headers.slice(at + name.length + 1, end === -1 ? undefined : end).trim();
  }
  return undefined;
}
