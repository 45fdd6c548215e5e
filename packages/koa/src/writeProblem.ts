import { PROBLEM_CONTENT_TYPE, problemText, type ProblemReply } from '@deadbolt/core';
import type { Context } from 'koa';

/** Headers describing the handler's own representation: they must not leak into a problem reply. */
const REPRESENTATION_HEADERS = [
  'Content-Disposition',
  'Content-Encoding',
  'Content-Language',
  'Content-Location',
  'Content-Range',
  'ETag',
  'Last-Modified',
  'Location',
];

/**
 * Sets a problem+json answer on the context, keeping headers set by other middleware (CORS, request ids).
 * Status, headers and body are set directly rather than thrown: Koa's `ctx.onerror` would drop the headers
 * (`Retry-After`) set before a throw.
 *
 * @example
 * ```ts
 * writeProblem(ctx, session.lostReply)
 * ```
 */
export function writeProblem(ctx: Context, reply: ProblemReply): void {
  for (const name of REPRESENTATION_HEADERS) ctx.remove(name);
  ctx.status = reply.status;
  ctx.set(reply.headers);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = problemText(reply);
  ctx.type = PROBLEM_CONTENT_TYPE;
}
