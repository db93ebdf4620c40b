/**
 * Text of a non-stream answer (chat, completions, responses; Anthropic Messages `content` blocks:
 * text, thinking and tool inputs), for estimating output tokens when no usage came.
 */
export function responseTextFromJson(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const parts: string[] = [];
  const { choices, output, content } = body as { choices?: unknown; output?: unknown; content?: unknown };
  if (Array.isArray(choices)) {
    for (const choice of choices as Array<{ message?: { content?: unknown }; text?: unknown }>) {
      if (typeof choice?.message?.content === 'string') parts.push(choice.message.content);
      if (typeof choice?.text === 'string') parts.push(choice.text);
    }
  }
  if (Array.isArray(output)) {
    for (const item of output as Array<{ content?: unknown }>) {
      if (!Array.isArray(item?.content)) continue;
      for (const part of item.content as Array<{ text?: unknown }>) if (typeof part?.text === 'string') parts.push(part.text);
    }
  }
  if (Array.isArray(content)) {
    for (const block of content as Array<{ text?: unknown; thinking?: unknown; input?: unknown }>) {
      if (typeof block?.text === 'string') parts.push(block.text);
      if (typeof block?.thinking === 'string') parts.push(block.thinking);
      if (block?.input !== undefined) parts.push(JSON.stringify(block.input));
    }
  }
  return parts.join('');
}
