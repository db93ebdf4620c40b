import type { Operation } from '../usage/types.js';
import { canonicalJsonText } from '../util/canonical-json.js';
import { MAX_ANSWERED_IDS, NO_TOOL_HISTORY, turnSignature, type ToolHistory } from './tool-history.js';

type Obj = Record<string, unknown>;

/** Tool calls in an OpenAI request's history: chat `messages`, or Responses `input` items. */
export function openAiToolHistory(operation: Operation, json: Obj): ToolHistory {
  if (operation === 'chat') return chatHistory(json['messages']);
  if (operation === 'responses') return responsesHistory(json['input']);
  return NO_TOOL_HISTORY;
}

function chatHistory(messages: unknown): ToolHistory {
  if (!Array.isArray(messages)) return NO_TOOL_HISTORY;
  const start = lastIndex(messages, (m) => isObject(m) && (m['role'] === 'user' || m['role'] === 'system' || m['role'] === 'developer')) + 1;
  const answered: string[] = [];
  const turns: string[] = [];
  for (let i = start; i < messages.length; i++) {
    const message = messages[i];
    if (!isObject(message)) continue;
    if (message['role'] === 'assistant') {
      const calls = Array.isArray(message['tool_calls']) ? message['tool_calls'] : [];
      turns.push(turnSignature(calls.filter(isObject).map((call) => callSignature(isObject(call['function']) ? call['function'] : {}))));
    } else if (message['role'] === 'tool' && typeof message['tool_call_id'] === 'string') {
      answered.unshift(message['tool_call_id']);
    }
  }
  return { answered: answered.slice(0, MAX_ANSWERED_IDS), turns };
}

/** Responses items: consecutive function calls (and the assistant's text, reasoning) of one model turn, closed by their outputs. */
function responsesHistory(input: unknown): ToolHistory {
  if (!Array.isArray(input)) return NO_TOOL_HISTORY;
  const start = lastIndex(input, (item) => isObject(item) && (item['type'] === 'message' || item['type'] === undefined) && item['role'] !== 'assistant') + 1;
  const answered: string[] = [];
  const turns: string[] = [];
  let calls: string[] | undefined;
  const close = (): void => {
    if (calls !== undefined) turns.push(turnSignature(calls));
    calls = undefined;
  };
  for (let i = start; i < input.length; i++) {
    const item = input[i];
    if (!isObject(item)) continue;
    const type = item['type'];
    if (type === 'function_call' || type === 'custom_tool_call') {
      (calls ??= []).push(callSignature({ name: item['name'], arguments: item['arguments'] ?? item['input'] }));
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      close();
      if (typeof item['call_id'] === 'string') answered.unshift(item['call_id']);
    } else if (type === 'message' || item['role'] === 'assistant') {
      calls ??= [];
    }
  }
  close();
  return { answered: answered.slice(0, MAX_ANSWERED_IDS), turns };
}

function callSignature(fn: Obj): string {
  const name = typeof fn['name'] === 'string' ? fn['name'] : '';
  const args = fn['arguments'];
  return `${name} ${typeof args === 'string' ? canonicalJsonText(args) : canonicalJsonText(JSON.stringify(args ?? {}))}`;
}

function lastIndex(items: readonly unknown[], test: (item: unknown) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
