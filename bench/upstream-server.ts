// Child process: the fake upstream on its own event loop. Prints {"port":N} once listening.
import { startFakeUpstream } from '../test/fixtures/fake-upstream.ts';

const up = await startFakeUpstream();
// The fixture records every request (body included): at bench volume that is GBs, so drop them every second.
const dropper = setInterval(() => up.reset(), 1000);
process.stdout.write(`${JSON.stringify({ port: new URL(up.url).port })}\n`);

const stop = (): void => {
  clearInterval(dropper);
  void up.close().then(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
