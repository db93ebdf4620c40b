import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_MODELS, type DemoKeys } from './demo-config.js';

/** What the demo's clients saw that the gateway's own numbers do not say. */
export interface WorkloadResult {
  /** Agent runs the demo's agents made, and the run ids the gateway named in its answers. */
  readonly runsStarted: number;
  readonly runIdsSeen: number;
}

interface Message {
  role: string;
  content: string | null;
  tool_calls?: unknown[];
  tool_call_id?: string;
}

const TOOLS = [
  { type: 'function', function: { name: 'search_docs', description: 'Search the help centre', parameters: { type: 'object', properties: { query: { type: 'string' } } } } },
  { type: 'function', function: { name: 'lookup_order', description: 'Find an order', parameters: { type: 'object', properties: { order_id: { type: 'string' } } } } },
];

/**
 * The demo's clients, each a loop until `until` (or the signal): a support chat (plain and
 * streamed calls, bursts that queue on its concurrency limit, now and then a client that hangs up
 * mid-stream), calls to the flaky and the regional model (retries, a tripped breaker and its
 * fallback), a research agent with tool calls (hits its requests-per-minute limit), a looping agent
 * (the same tool call turn after turn), and a batch job that spends its daily budget.
 */
export async function runWorkload(gateway: string, keys: DemoKeys, until: number, signal: AbortSignal): Promise<WorkloadResult> {
  const runIds = new Set<string>();
  let runsStarted = 0;
  const running = (): boolean => Date.now() < until && !signal.aborted;
  /** Pauses end at the deadline too, so the workload stops on time. */
  const pause = (ms: number): Promise<unknown> => sleep(Math.max(0, Math.min(ms, until - Date.now())), undefined, { signal }).catch(() => undefined);
  const call = async (key: string, body: object, headers: Record<string, string> = {}, hangUpAfterChunks?: number): Promise<{ status: number; json: unknown }> => {
    const controller = new AbortController();
    const answer = await fetch(`${gateway}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(30_000)]),
    }).catch(() => undefined);
    if (answer === undefined) return { status: 0, json: undefined };
    const run = answer.headers.get('x-breakwater-run-id');
    if (run !== null) runIds.add(run);
    if (hangUpAfterChunks !== undefined && answer.body !== null) {
      const reader = answer.body.getReader();
      for (let i = 0; i < hangUpAfterChunks; i += 1) await reader.read().catch(() => undefined);
      controller.abort();
      return { status: answer.status, json: undefined };
    }
    const text = await answer.text().catch(() => '');
    return { status: answer.status, json: answer.headers.get('content-type')?.includes('json') === true ? safeJson(text) : undefined };
  };
  const loop = async (pauseMs: () => number, work: () => Promise<unknown>): Promise<void> => {
    while (running()) {
      await work().catch(() => undefined);
      await pause(pauseMs());
    }
  };
  const chat = (content: string): Message[] => [{ role: 'system', content: 'You are a helpful support agent.' }, { role: 'user', content }];

  const supportChat = (): Promise<unknown> => {
    const stream = Math.random() < 0.4;
    const hangUp = stream && Math.random() < 0.05 ? 2 : undefined;
    return call(keys.support, { model: DEMO_MODELS.plain, stream, messages: chat('Where is my parcel? It was due on Tuesday.') }, {}, hangUp);
  };
  const burst = async (): Promise<void> => {
    await pause(8_000);
    if (running()) await Promise.all(Array.from({ length: 10 }, () => supportChat()));
  };
  const researchRun = async (): Promise<void> => {
    runsStarted += 1;
    // Nothing names the run: the gateway stitches the tool result's call to the call that asked for the tool.
    const headers = {};
    const messages = chat('Summarise our refund policy for a customer.');
    const first = await call(keys.research, { model: DEMO_MODELS.retried, stream: false, tools: TOOLS, messages }, headers);
    const toolCall = firstToolCall(first.json);
    if (toolCall === undefined || !running()) return;
    messages.push({ role: 'assistant', content: null, tool_calls: [toolCall.raw] }, { role: 'tool', tool_call_id: toolCall.id, content: 'Refunds within 30 days, no questions asked.' });
    await call(keys.research, { model: DEMO_MODELS.retried, stream: true, tools: TOOLS, messages }, headers);
  };
  const loopingRun = async (): Promise<void> => {
    runsStarted += 1;
    const headers = { 'x-breakwater-run-id': `demo-loop-${runsStarted}`, 'x-demo-loop': '1' };
    const messages = chat('Has order A-1042 shipped?');
    for (let turn = 0; turn < 8 && running(); turn += 1) {
      const answer = await call(keys.web, { model: DEMO_MODELS.plain, tools: TOOLS, messages }, headers);
      const toolCall = firstToolCall(answer.json);
      if (toolCall === undefined) return;
      messages.push({ role: 'assistant', content: null, tool_calls: [toolCall.raw] }, { role: 'tool', tool_call_id: toolCall.id, content: 'status: unknown' });
    }
  };
  const batchPrompt = `Classify these tickets:\n${'Ticket: the invoice total is wrong and I was charged twice for the same order. '.repeat(150)}`;

  await Promise.all([
    loop(() => 150 + Math.random() * 250, supportChat),
    loop(() => 200 + Math.random() * 300, supportChat),
    loop(() => 0, burst),
    loop(() => 300 + Math.random() * 300, () => call(keys.web, { model: DEMO_MODELS.retried, stream: Math.random() < 0.5, messages: chat('Draft a reply about a late delivery.') })),
    loop(() => 150 + Math.random() * 200, () => call(keys.web, { model: DEMO_MODELS.failover, stream: Math.random() < 0.5, messages: chat('Translate this answer to German.') })),
    loop(() => 700 + Math.random() * 600, () => call(keys.web, { model: DEMO_MODELS.pinned, stream: true, messages: chat('Check the stock level in the EU warehouse.') })),
    loop(() => 600, researchRun),
    loop(() => 4_000, loopingRun),
    loop(() => 1_200, () => call(keys.batch, { model: DEMO_MODELS.batch, max_tokens: 200, messages: chat(batchPrompt) })),
  ]);
  return { runsStarted, runIdsSeen: runIds.size };
}

function firstToolCall(json: unknown): { id: string; raw: unknown } | undefined {
  const call = (json as { choices?: Array<{ message?: { tool_calls?: Array<{ id?: unknown }> } }> } | undefined)?.choices?.[0]?.message?.tool_calls?.[0];
  return call !== undefined && typeof call.id === 'string' ? { id: call.id, raw: call } : undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
