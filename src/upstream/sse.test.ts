import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SseEventTooLarge, SseSplitter, type SseEvent } from './sse.js';

interface Plain {
  raw: string;
  event?: string;
  data: string;
  id?: string;
  incomplete?: true;
}

function plain(ev: SseEvent): Plain {
  const p: Plain = { raw: ev.raw.toString('latin1'), data: ev.data };
  if (ev.event !== undefined) p.event = ev.event;
  if (ev.id !== undefined) p.id = ev.id;
  if (ev.incomplete) p.incomplete = true;
  return p;
}

function run(input: Buffer, cuts: number[]): SseEvent[] {
  const s = new SseSplitter();
  const out: SseEvent[] = [];
  let prev = 0;
  for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...s.push(input.subarray(prev, c)));
    prev = c;
  }
  out.push(...s.push(input.subarray(prev)));
  out.push(...s.flush());
  return out;
}

const all = (input: string): Plain[] => run(Buffer.from(input), []).map(plain);

describe('SseSplitter', () => {
  it('splits an OpenAI-style stream and keeps raw bytes', () => {
    const input = 'data: {"a":1}\n\ndata: [DONE]\n\n';
    expect(all(input)).toEqual([
      { raw: 'data: {"a":1}\n\n', data: '{"a":1}' },
      { raw: 'data: [DONE]\n\n', data: '[DONE]' },
    ]);
  });

  it('reads event, id, multi-line data, comments and retry', () => {
    const input = ': ping\n\nevent: response.completed\nid: 7\nretry: 100\ndata: a\ndata:b\ndata\n\n';
    expect(all(input)).toEqual([
      { raw: ': ping\n\n', data: '' },
      {
        raw: 'event: response.completed\nid: 7\nretry: 100\ndata: a\ndata:b\ndata\n\n',
        event: 'response.completed',
        id: '7',
        data: 'a\nb\n',
      },
    ]);
  });

  it('handles \\r\\n and lone \\r line endings', () => {
    expect(all('data: x\r\n\r\ndata: y\r\rdata: z\r\n\n')).toEqual([
      { raw: 'data: x\r\n\r\n', data: 'x' },
      { raw: 'data: y\r\r', data: 'y' },
      { raw: 'data: z\r\n\n', data: 'z' },
    ]);
  });

  it('holds a blank line ending in \\r at a chunk end until the next byte decides', () => {
    const s = new SseSplitter();
    expect(s.push(Buffer.from('data: x\r\n\r'))).toEqual([]);
    const [ev] = s.push(Buffer.from('\ndata: y\n\n'));
    expect(ev && plain(ev)).toEqual({ raw: 'data: x\r\n\r\n', data: 'x' });
  });

  it('returns a trailing incomplete event from flush, marked incomplete', () => {
    const s = new SseSplitter();
    expect(s.push(Buffer.from('data: [DO'))).toEqual([]);
    expect(s.flush().map(plain)).toEqual([{ raw: 'data: [DO', data: '[DO', incomplete: true }]);
    expect(s.flush()).toEqual([]);
  });

  it('flushes a complete event held for a trailing \\r without the incomplete mark', () => {
    const s = new SseSplitter();
    s.push(Buffer.from('data: x\r\r'));
    expect(s.flush().map(plain)).toEqual([{ raw: 'data: x\r\r', data: 'x' }]);
  });

  it('decodes a multi-byte character split across chunks', () => {
    const input = Buffer.from('data: h\u00e9llo \u{1F600}\n\n');
    const out = run(input, [8, 9, 15, 16, 17]);
    expect(out.map((e) => e.data)).toEqual(['h\u00e9llo \u{1F600}']);
  });

  it('strips a leading BOM from the data but keeps it in raw', () => {
    const [ev] = run(Buffer.from('\uFEFFdata: x\n\n'), []);
    expect(ev?.data).toBe('x');
    expect(ev?.raw.toString('utf8')).toBe('\uFEFFdata: x\n\n');
  });

  it('refuses an event that grows past its limit across chunks, and one that arrives whole but too big', () => {
    const growing = new SseSplitter(10);
    expect(growing.push(Buffer.from('data: 1234'))).toEqual([]);
    expect(() => growing.push(Buffer.from('5'))).toThrow(SseEventTooLarge);
    expect(() => new SseSplitter(10).push(Buffer.from('data: 12345678\n\n'))).toThrow(SseEventTooLarge);
    expect(new SseSplitter(10).push(Buffer.from('data: 1\n\ndata: 2\n\n')).map((e) => e.data)).toEqual(['1', '2']);
  });

  // Building blocks chosen to hit every line-ending ambiguity the scanner has.
  const piece = fc.constantFrom(
    'data: {"x":1}', 'data:', 'data', 'event: e', 'id: 1', 'retry: 5', ': ping', ':',
    '\n', '\r', '\r\n', '\n\n', '\r\r', '\r\n\r\n', 'é', '\u{1F600}', ' ', 'x',
  );
  const stream = fc
    .array(piece, { maxLength: 40 })
    .map((ps) => Buffer.from(ps.join('')))
    .chain((buf) => fc.tuple(fc.constant(buf), fc.array(fc.nat({ max: buf.length }), { maxLength: 12 })));

  it('property: every chunking yields the same events as one push', () => {
    fc.assert(
      fc.property(stream, ([buf, cuts]) => {
        expect(run(buf, cuts).map(plain)).toEqual(run(buf, []).map(plain));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: byte-by-byte chunking yields the same events', () => {
    fc.assert(
      fc.property(stream, ([buf]) => {
        const cuts = Array.from({ length: buf.length }, (_, i) => i);
        expect(run(buf, cuts).map(plain)).toEqual(run(buf, []).map(plain));
      }),
      { numRuns: 500 },
    );
  });

  /** Independent whole-buffer model: a regex over lines, an event ends at the first empty line. */
  function referenceRaws(buf: Buffer): string[] {
    const text = buf.toString('latin1');
    const raws: string[] = [];
    let cur = '';
    for (const m of text.matchAll(/([^\r\n]*)(\r\n|\n|\r|$)/g)) {
      if (m[0] === '') break;
      cur += m[0];
      if (m[1] === '' && m[2] !== '') {
        raws.push(cur);
        cur = '';
      }
    }
    if (cur !== '') raws.push(cur);
    return raws;
  }

  it('property: event boundaries match an independent line-based model', () => {
    fc.assert(
      fc.property(stream, ([buf, cuts]) => {
        expect(run(buf, cuts).map((e) => e.raw.toString('latin1'))).toEqual(referenceRaws(buf));
      }),
      { numRuns: 2000 },
    );
  });

  it('property: concatenated raw reproduces the input exactly', () => {
    fc.assert(
      fc.property(stream, ([buf, cuts]) => {
        const out = run(buf, cuts);
        expect(Buffer.concat(out.map((e) => e.raw)).equals(buf)).toBe(true);
        // only the last event may be incomplete
        expect(out.slice(0, -1).some((e) => e.incomplete)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
