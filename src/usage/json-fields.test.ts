import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TopLevelFields } from './json-fields.js';

function pick(text: string, cuts: number[], names = ['usage', 'model', 'id']): TopLevelFields {
  const bytes = Buffer.from(text);
  const fields = new TopLevelFields(names);
  let previous = 0;
  for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
    fields.push(bytes.subarray(previous, cut));
    previous = cut;
  }
  fields.push(bytes.subarray(previous));
  return fields;
}

describe('TopLevelFields', () => {
  it('finds usage after a large data array, and the model, without keeping the rest', () => {
    const data = Array.from({ length: 200 }, (_, index) => ({ object: 'embedding', index, embedding: [0.1, -0.2, 3e-5] }));
    const body = JSON.stringify({ object: 'list', data, model: 'text-embedding-3-small', usage: { prompt_tokens: 4096, total_tokens: 4096 } });
    const fields = pick(body, [1, 100, 5000, body.length - 20]);
    expect(fields.get('usage')).toEqual({ prompt_tokens: 4096, total_tokens: 4096 });
    expect(fields.get('model')).toBe('text-embedding-3-small');
  });

  it('ignores the same names nested deeper, inside strings, and escaped quotes', () => {
    const body = '{"choices":[{"usage":{"x":1},"text":"\\"usage\\": {\\"no\\":2}, \\"model\\":\\"no\\""}],"id":"chatcmpl-1","model":"gpt-4o"}';
    const fields = pick(body, []);
    expect(fields.get('usage')).toBeUndefined();
    expect(fields.get('model')).toBe('gpt-4o');
    expect(fields.get('id')).toBe('chatcmpl-1');
  });

  it('property: any chunking of any object yields the top-level values JSON.parse sees', () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const object = fc.record({ usage: value, model: fc.string(), other: value, id: fc.oneof(fc.string(), fc.integer()) }, { requiredKeys: [] });
    fc.assert(
      fc.property(object, fc.array(fc.nat(), { maxLength: 8 }), (obj, rawCuts) => {
        const text = JSON.stringify(obj);
        const cuts = rawCuts.map((cut) => cut % (Buffer.byteLength(text) + 1));
        const fields = pick(text, cuts);
        const parsed = JSON.parse(text) as Record<string, unknown>;
        for (const name of ['usage', 'model', 'id']) expect(fields.get(name)).toEqual(parsed[name]);
      }),
      { numRuns: 1000 },
    );
  });
});
