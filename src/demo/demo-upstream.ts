import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The demo's model provider: a small OpenAI-compatible server on loopback that makes up answers.
 * Each upstream of the demo config is a path prefix here with its own temper: `steady` answers,
 * `flaky` fails one call in four with a 503, `regional` is down while `outage()` says so. It speaks
 * chat completions (plain and streamed, with usage, and tool calls) and nothing else.
 */
export type Temper = 'steady' | 'flaky' | 'regional';

export interface DemoUpstream {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  close(): Promise<void>;
}

interface ChatBody {
  model?: string;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: unknown[];
  messages?: Array<{ role?: string }>;
}

const WORDS = 'the gateway retried the call and the fallback answered while the breaker held the failing region off so the agent kept working'.split(' ');

export async function startDemoUpstream(outage: () => boolean): Promise<DemoUpstream> {
  const server: Server = createServer((req, res) => {
    void answer(req, res, outage).catch(() => res.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, outage: () => boolean): Promise<void> {
  const match = /^\/(steady|flaky|regional)\/v1\/chat\/completions$/.exec(req.url ?? '');
  const raw = await readBody(req);
  if (match === null || req.method !== 'POST') return sendError(res, 404, 'Unknown path (demo upstream).');
  const temper = match[1] as Temper;
  let body: ChatBody;
  try {
    body = JSON.parse(raw) as ChatBody;
  } catch {
    return sendError(res, 400, 'Invalid JSON (demo upstream).');
  }
  if (temper === 'regional' && outage()) {
    await sleep(between(20, 80));
    return sendError(res, 503, 'The engine is currently overloaded (demo regional outage).');
  }
  if (temper === 'flaky' && Math.random() < 0.25) {
    await sleep(between(50, 200));
    return sendError(res, 503, 'Service unavailable (demo flaky upstream).');
  }
  const promptTokens = Math.max(8, Math.round(raw.length / 4));
  const toolCall = wantsToolCall(body, req.headers['x-demo-loop'] === '1');
  const words = toolCall === undefined ? Math.round(between(12, 60)) : 0;
  await sleep(between(60, temper === 'flaky' ? 700 : 350));
  if (body.stream === true) return streamAnswer(res, body, promptTokens, words, toolCall);
  const completionTokens = toolCall === undefined ? Math.round(words * 1.3) : 18;
  send(res, 200, {
    id: `chatcmpl-${randomUUID()}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'demo',
    choices: [{ index: 0, message: toolCall === undefined ? { role: 'assistant', content: sentence(words) } : { role: 'assistant', content: null, tool_calls: [toolCall] }, finish_reason: toolCall === undefined ? 'stop' : 'tool_calls' }],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
  });
}

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** With tools, the model calls one unless the last message answers a tool call; a looping agent gets the same call every turn. */
function wantsToolCall(body: ChatBody, loop: boolean): ToolCall | undefined {
  if (body.tools === undefined || body.tools.length === 0) return undefined;
  const last = body.messages?.at(-1)?.role;
  if (last === 'tool' && !loop) return undefined;
  return loop
    ? { id: `call_${randomUUID().slice(0, 8)}`, type: 'function', function: { name: 'lookup_order', arguments: '{"order_id":"A-1042"}' } }
    : { id: `call_${randomUUID().slice(0, 8)}`, type: 'function', function: { name: 'search_docs', arguments: '{"query":"refund policy"}' } };
}

async function streamAnswer(res: ServerResponse, body: ChatBody, promptTokens: number, words: number, toolCall: ToolCall | undefined): Promise<void> {
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const model = body.model ?? 'demo';
  const chunk = (delta: object, finish: string | null): string => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunk({ role: 'assistant', content: '' }, null));
  if (toolCall !== undefined) {
    res.write(chunk({ tool_calls: [{ index: 0, ...toolCall }] }, null));
  } else {
    for (let i = 0; i < words; i += 1) {
      if (res.destroyed) return;
      res.write(chunk({ content: `${WORDS[i % WORDS.length]} ` }, null));
      await sleep(between(8, 30));
    }
  }
  res.write(chunk({}, toolCall === undefined ? 'stop' : 'tool_calls'));
  if (body.stream_options?.include_usage === true) {
    const completionTokens = toolCall === undefined ? Math.round(words * 1.3) : 18;
    res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } })}\n\n`);
  }
  res.end('data: [DONE]\n\n');
}

function sentence(words: number): string {
  return Array.from({ length: words }, (_, i) => WORDS[i % WORDS.length]).join(' ');
}

function between(low: number, high: number): number {
  return low + Math.random() * (high - low);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, message: string): void {
  send(res, status, { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error', code: null, param: null } });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) parts.push(chunk);
  return Buffer.concat(parts).toString('utf8');
}
