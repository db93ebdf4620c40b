import { connect } from 'node:net';

/** Sends raw bytes to a loopback port and resolves with everything the server answered until it closed (or timeoutMs). */
export function rawExchange(port: number, payload: string | Buffer, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(answer);
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => (answer += text));
    socket.on('error', (error) => {
      clearTimeout(timer);
      if (answer.length > 0) resolve(answer);
      else reject(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.write(payload);
  });
}

/** Status code of the first HTTP response in a raw answer. */
export function statusOf(answer: string): number {
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return match === null ? 0 : Number(match[1]);
}

/** Status codes of every HTTP response in a raw answer (pipelining). */
export function statusesOf(answer: string): number[] {
  return [...answer.matchAll(/HTTP\/1\.[01] (\d{3})/g)].map((match) => Number(match[1]));
}
