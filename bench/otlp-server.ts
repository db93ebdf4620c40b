// Child process: an OTLP/gRPC trace receiver that counts spans and drops them (they would grow without bound).
// Prints {"endpoint":URL} once listening and {"spansReceived":N} when stopped.
import { startOtlpReceiver } from '../test/fixtures/otlp-receiver.ts';

const rx = await startOtlpReceiver();
let received = 0;
const drain = (): void => {
  received += rx.spans.length;
  rx.spans.length = 0;
};
const dropper = setInterval(drain, 500);
process.stdout.write(`${JSON.stringify({ endpoint: rx.endpoint })}\n`);

const stop = (): void => {
  clearInterval(dropper);
  drain();
  process.stdout.write(`${JSON.stringify({ spansReceived: received })}\n`);
  void rx.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
