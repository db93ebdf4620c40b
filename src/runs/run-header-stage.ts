import type { Next, RequestContext } from '../pipeline/context.js';

export const RUN_ID_HEADER = 'x-breakwater-run-id';
const MAX_RUN_ID_CHARS = 256;

/**
 * A stand-in until agent runs are built: the run id is the client's `x-breakwater-run-id` header,
 * taken as it is (up to 256 characters; longer or repeated, none). The runs stage replaces this
 * with its own resolution of the run; `ctx.runId` is the seam routing reads (`affinity: run`).
 */
export function runHeaderStage() {
  return async function runs(ctx: RequestContext, next: Next): Promise<void> {
    const header = ctx.req.headers[RUN_ID_HEADER];
    if (typeof header === 'string' && header.length > 0 && header.length <= MAX_RUN_ID_CHARS) ctx.runId = header;
    await next();
  };
}
