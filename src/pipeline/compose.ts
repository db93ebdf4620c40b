import type { RequestContext, Stage } from './context.js';

/** Onion runner: each stage gets `next` to run the rest; a stage may answer without calling it. */
export function compose(stages: readonly Stage[]): (ctx: RequestContext) => Promise<void> {
  return function run(ctx: RequestContext): Promise<void> {
    let last = -1;
    const dispatch = (index: number): Promise<void> => {
      if (index <= last) return Promise.reject(new Error('next() called twice'));
      last = index;
      const stage = stages[index];
      if (stage === undefined) return Promise.resolve();
      return stage(ctx, () => dispatch(index + 1));
    };
    return dispatch(0);
  };
}
