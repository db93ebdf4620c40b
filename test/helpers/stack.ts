import { afterAll } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../fixtures/fake-upstream.ts';
import { killStartedGateways, startGateway, type RunningGateway, type StartOptions } from './gateway.ts';

/*
 * What a test file starts through these helpers is stopped after its tests, in reverse order,
 * without an afterAll of its own.
 */
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  killStartedGateways();
});

/** Registers something to stop after the file's tests. */
export function afterFile(cleanup: () => Promise<unknown>): void {
  cleanups.push(cleanup);
}

/** A fake upstream closed after the file's tests. */
export async function fakeUpstream(): Promise<FakeUpstream> {
  const fake = await startFakeUpstream();
  afterFile(() => fake.close());
  return fake;
}

/** The gateway as a child process, stopped after the file's tests. */
export async function gatewayProcess(options: StartOptions): Promise<RunningGateway> {
  const gateway = await startGateway(options);
  afterFile(() => gateway.stop());
  return gateway;
}

/** The gateway in front of one fake upstream named `fake`: the common case. */
export async function gatewayBefore(fake: FakeUpstream, config: Record<string, unknown> = {}): Promise<RunningGateway> {
  return gatewayProcess({ config: { upstreams: [{ name: 'fake', baseUrl: fake.baseUrl }], ...config } });
}
