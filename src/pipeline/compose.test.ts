import { describe, expect, it } from 'vitest';
import { testContext } from '../../test/helpers/context.ts';
import { compose } from './compose.js';
import type { Next, RequestContext, Stage } from './context.js';

function recording(name: string, order: string[]): Stage {
  return async (_ctx: RequestContext, next: Next) => {
    order.push(`${name} in`);
    await next();
    order.push(`${name} out`);
  };
}

describe('compose', () => {
  it('runs stages as an onion: in, in order, then out, in reverse', async () => {
    const order: string[] = [];
    await compose([recording('a', order), recording('b', order), recording('c', order)])(testContext());
    expect(order).toEqual(['a in', 'b in', 'c in', 'c out', 'b out', 'a out']);
  });

  it('lets a stage answer without calling next: the rest never run', async () => {
    const order: string[] = [];
    const answers: Stage = async () => void order.push('answered');
    await compose([recording('a', order), answers, recording('never', order)])(testContext());
    expect(order).toEqual(['a in', 'answered', 'a out']);
  });

  it('refuses a stage that calls next twice', async () => {
    const twice: Stage = async (_ctx, next) => {
      await next();
      await next();
    };
    await expect(compose([twice])(testContext())).rejects.toThrow('next() called twice');
  });

  it('passes a stage error out through the stages before it', async () => {
    const seen: unknown[] = [];
    const catcher: Stage = async (_ctx, next) => next().catch((error: unknown) => void seen.push(error));
    const thrower: Stage = async () => {
      throw new Error('boom');
    };
    await compose([catcher, thrower])(testContext());
    expect(seen).toHaveLength(1);
  });
});
