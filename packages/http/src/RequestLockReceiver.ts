import type { ProblemReply } from './problem.js';
import type { RequestLockOutcome } from './RequestLockOutcome.js';

/**
 * What a callback-style adapter (Express, Fastify) hears of one request's lock, given to
 * `RequestLockSession.start` with the request's own `context`: one receiver per middleware, so that a request
 * allocates no closures and no promise for its outcome. `outcome` comes once (never synchronously within
 * `start`); `failed` instead of it when the key, mode or limit function threw, or when `outcome` threw; `lost`
 * at most once, after a `proceed` outcome, when the lock is lost (or `maxHold` ran out) while the request holds it.
 *
 * @example
 * ```ts
 * const receiver: RequestLockReceiver<{ res: ServerResponse; next: (error?: unknown) => void }> = {
 *   outcome: ({ res, next }, outcome) => (outcome.type === 'proceed' ? next() : writeProblem(res, replyOf(outcome))),
 *   failed: ({ next }, error) => next(error),
 *   lost: ({ res }, reply) => writeProblem(res, reply),
 * }
 * requests.open('response').start(req, req.params, receiver, { res, next })
 * ```
 */
export interface RequestLockReceiver<Context> {
  /** How the lock step ended (see `RequestLockOutcome`). */
  outcome(context: Context, outcome: RequestLockOutcome): void;
  /** The key, mode or limit function threw `error`, or `outcome` did. */
  failed(context: Context, error: unknown): void;
  /** The lock was lost while the request held it; `reply` is the 503 owed. */
  lost(context: Context, reply: ProblemReply): void;
}
