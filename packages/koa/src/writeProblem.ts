import { problemResponse, type ProblemReply } from '@deadbolt/http';
import type { Context } from 'koa';

/**
 * Sets a problem+json answer on the context (see `problemResponse` in `@deadbolt/http`), keeping headers set by
 * other middleware (CORS, request ids). Status, headers and body are set directly rather than thrown: Koa's
 * `ctx.onerror` would drop the headers (`Retry-After`) set before a throw.
 *
 * @example
 * ```ts
 * writeProblem(ctx, session.lostReply)
 * ```
 */
export function writeProblem(ctx: Context, reply: ProblemReply): void {
  const { status, remove, headers, body } = problemResponse(reply);
  for (const name of remove) ctx.remove(name);
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}
