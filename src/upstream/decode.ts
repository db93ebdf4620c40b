import type { IncomingHttpHeaders } from 'node:http';
import { pipeline, type Readable, type Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate, createZstdDecompress } from 'node:zlib';

const DECODERS: ReadonlyMap<string, () => Transform> = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
  ['zstd', createZstdDecompress],
]);

/**
 * The body as plain bytes. The gateway asks understood calls for `accept-encoding: identity` so it
 * can read usage; an upstream that compresses anyway is inflated here, as a stream: zlib holds a
 * bounded window and the relay's backpressure reaches it, so a small compressed answer that inflates
 * to gigabytes is never held in memory. `decoded` tells the caller to drop content-encoding and
 * content-length from what it passes on. An unknown encoding is passed through as it is.
 */
export function decodedBody(headers: IncomingHttpHeaders, body: Readable): { body: Readable; decoded: boolean } {
  const encoding = headers['content-encoding']?.trim().toLowerCase();
  const decoder = encoding === undefined ? undefined : DECODERS.get(encoding);
  if (decoder === undefined) return { body, decoded: false };
  // pipeline() carries errors both ways: a destroyed upstream body (idle timeout) fails the decoder's reader, and vice versa.
  return { body: pipeline(body, decoder(), () => undefined), decoded: true };
}
