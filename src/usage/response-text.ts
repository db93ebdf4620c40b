/** Text of a non-stream answer (chat, completions, responses), for estimating output tokens when no usage came. */
export function responseTextFromJson(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const parts: string[] = [];
  const { choices, output } = body as { choices?: unknown; output?: unknown };
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
  return parts.join('');
}
