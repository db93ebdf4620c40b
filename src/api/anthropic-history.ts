import type { Operation } from '../usage/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import { MAX_ANSWERED_IDS, NO_TOOL_HISTORY, turnSignature, type ToolHistory } from './tool-history.js';

type Obj = Record<string, unknown>;

/**
 * Tool calls in a Messages request's history. Tool results travel inside `user` messages
 * (`tool_result` blocks, often next to text the harness adds), so the task's last human turn is the
 * last user message that carries no tool result; the assistant turns after it are the agent's.
 */
export function anthropicToolHistory(operation: Operation, json: Obj): ToolHistory {
  const messages = json['messages'];
  if (operation !== 'messages' || !Array.isArray(messages)) return NO_TOOL_HISTORY;
  let start = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message: unknown = messages[i];
    if (isObject(message) && message['role'] === 'user' && toolResultsOf(message).length === 0) {
      start = i + 1;
      break;
    }
  }
  const answered: string[] = [];
  const turns: string[] = [];
  for (let i = start; i < messages.length; i++) {
    const message: unknown = messages[i];
    if (!isObject(message)) continue;
    if (message['role'] === 'assistant') {
      turns.push(turnSignature(blocksOf(message).filter((b) => b['type'] === 'tool_use').map(callSignature)));
    } else if (message['role'] === 'user') {
      for (const id of toolResultsOf(message)) answered.unshift(id);
    }
  }
  return { answered: answered.slice(0, MAX_ANSWERED_IDS), turns };
}

function toolResultsOf(message: Obj): string[] {
  const ids: string[] = [];
  for (const block of blocksOf(message)) {
    if (block['type'] === 'tool_result' && typeof block['tool_use_id'] === 'string') ids.push(block['tool_use_id']);
  }
  return ids;
}

function blocksOf(message: Obj): Obj[] {
  const content = message['content'];
  return Array.isArray(content) ? content.filter(isObject) : [];
}

function callSignature(block: Obj): string {
  const name = typeof block['name'] === 'string' ? block['name'] : '';
  return `${name} ${canonicalJson(block['input'] ?? {})}`;
}

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
