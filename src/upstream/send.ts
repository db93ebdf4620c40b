import { classifyThrown, classifyUpstreamStatus } from '../errors/classify.js';
import { AttemptTimeout, DeadlineExceeded, timedChildSignal } from '../resilience/deadlines.js';
import { AttemptFailure } from './attempt-failure.js';
import { decodedBody } from './decode.js';
import type { Upstream, UpstreamRegistry, UpstreamRequest, UpstreamResponse } from './pools.js';

/** Error bodies are small; a larger one is cut (and then passed through as far as read). */
const ERROR_BODY_CAP = 1024 * 1024;

/**
 * ONE try against one upstream, up to its response headers. Resolves with a 2xx/3xx response whose
 * body is still streaming; rejects with an AttemptFailure for everything else (error status with its
 * body read, reset, refused, timeouts, aborts).
 */
export async function sendOnce(registry: UpstreamRegistry, upstream: Upstream, request: UpstreamRequest, errorCodeOf: (body: Buffer) => string | undefined): Promise<UpstreamResponse> {
  const firstByte = timedChildSignal(request.signal, request.headersTimeoutMs, () => new AttemptTimeout('first_byte', request.headersTimeoutMs));
  const signal = firstByte.signal;
  let response: UpstreamResponse;
  try {
    response = await registry.send(upstream, { ...request, signal });
  } catch (error) {
    firstByte.clear();
    // An aborted signal carries our own typed reason (deadline, client closed, first byte): classify by that.
    const reason = signal.aborted ? (signal.reason as unknown) : error;
    throw new AttemptFailure(classifyThrown(reason), { cause: error, countsForBreaker: tellsAboutUpstream(reason, request) });
  } finally {
    firstByte.stopTimer();
  }
  // The body still streams under this signal: a client abort or the total deadline must reach it.
  response.body.once('close', firstByte.clear);
  if (response.statusCode < 400) return response;
  let body: Buffer;
  const plain = decodedBody(response.headers, response.body);
  try {
    body = await readCapped(plain.body, ERROR_BODY_CAP);
  } catch (error) {
    throw new AttemptFailure(classifyThrown(request.signal.aborted ? request.signal.reason : error), { cause: error });
  }
  const errorClass = classifyUpstreamStatus(response.statusCode, errorCodeOf(body)) ?? 'upstream_5xx';
  const headers = plain.decoded ? { ...response.headers, 'content-encoding': undefined } : response.headers;
  throw new AttemptFailure(errorClass, { status: response.statusCode, headers, body });
}

/**
 * The rule that keeps one tenant's slow generations from opening the breaker for every tenant: of the
 * timeouts, only a connect timeout and a streamed call's missing headers say the upstream is unwell.
 * A non-stream call waits for its whole answer before headers come, and the total deadline is the
 * client's own budget: neither counts.
 */
function tellsAboutUpstream(reason: unknown, request: UpstreamRequest): boolean | undefined {
  if (reason instanceof DeadlineExceeded) return false;
  if (reason instanceof AttemptTimeout && reason.code === 'BW_FIRST_BYTE_TIMEOUT') return request.stream === true;
  if ((reason as { code?: unknown } | null)?.code === 'UND_ERR_HEADERS_TIMEOUT') return request.stream === true;
  return undefined;
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= cap) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks, Math.min(size, cap));
}
