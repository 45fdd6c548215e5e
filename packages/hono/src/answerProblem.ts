import { problemResponse, type ProblemReply } from '@deadbolt/http';
import type { Context } from 'hono';

/**
 * Makes `reply` the answer of `c` (see `problemResponse` in `@deadbolt/http`) and returns it. Headers other
 * middleware set (CORS, request ids) stay; the representation headers (`ETag`, `Location`…) go. When the
 * handler had answered already (its lock was lost meanwhile), its answer is replaced, not merged: Hono's
 * `c.res` setter would copy the old answer's `Content-Length` over the problem's, so the slot is cleared
 * first, and the discarded body is cancelled so a streaming handler stops.
 *
 * @example
 * ```ts
 * return answerProblem(c, outcome.reply)
 * ```
 */
export function answerProblem(c: Context, reply: ProblemReply): Response {
  const { status, remove, headers, body } = problemResponse(reply);
  const discarded = c.finalized ? c.res.body : null;
  const merged = new Headers(c.res.headers);
  for (const name of remove) merged.delete(name);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  c.res = undefined;
  c.res = new Response(body, { status, headers: merged });
  discarded?.cancel().catch(() => undefined);
  return c.res;
}
