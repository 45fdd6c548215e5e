import type { Context } from 'hono';
import type { ServerResponse } from 'node:http';

/** What the middleware calls once the handler completed, to follow the rest of the response. */
export type AfterHandler = () => void;

/** On Node the response's own events tell its end: nothing to follow after the handler (one function for all). */
const NOTHING_TO_FOLLOW: AfterHandler = () => undefined;

/**
 * Calls `ended` (possibly more than once) when the response to `c` is done: fully written, or abandoned by
 * its client. Wired synchronously, before the middleware's first await, so no end is missed.
 *
 * - On `@hono/node-server` (`c.env.outgoing` is the Node response): its `close`, which Node emits on every
 *   response, a tick after `finish` or when the client went away (the very event from which
 *   `@hono/node-server` aborts `c.req.raw.signal`; listening to it directly spares each request that signal's
 *   AbortController, about a quarter of the middleware's CPU time in `pnpm bench`). A streamed body keeps the
 *   lock until its last byte is written, and the response is not wrapped.
 * - Elsewhere (Bun, Deno, workers, `app.request()`): the request's signal (`c.req.raw.signal`) tells that the
 *   client went away, and the returned {@link AfterHandler} follows the handler's answer: a response without
 *   a body is done at once; a body is wrapped in a stream that reports its end, error or cancellation.
 *
 * @example
 * ```ts
 * const afterHandler = watchResponseEnd(c, () => session.responseDone())
 * await next()
 * afterHandler()
 * ```
 */
export function watchResponseEnd(c: Context, ended: () => void): AfterHandler {
  const outgoing = nodeResponse(c.env);
  if (outgoing !== undefined) {
    // `close` alone tells both ends (a tick after `finish`, or when the client went away); a `finish` listener
    // beside Node's own would make the response copy its listeners at every emit. `on`: `once` wraps the listener.
    outgoing.on('close', ended);
    return NOTHING_TO_FOLLOW;
  }
  const signal = c.req.raw.signal;
  if (signal.aborted) ended();
  else signal.addEventListener('abort', ended, { once: true });
  return () => followBody(c, ended);
}

/** The Node response `@hono/node-server` passes as `c.env.outgoing`, if this runtime is Node. */
function nodeResponse(env: unknown): ServerResponse | undefined {
  const outgoing = (env as { outgoing?: Partial<ServerResponse> } | undefined)?.outgoing;
  return typeof outgoing?.once === 'function' && typeof outgoing.writableFinished === 'boolean'
    ? (outgoing as ServerResponse)
    : undefined;
}

/** Replaces the answer's body by one that calls `ended` when it was read to its end, failed or was cancelled. */
function followBody(c: Context, ended: () => void): void {
  const body = c.res.body;
  if (body === null) {
    ended();
    return;
  }
  const reader = (body as ReadableStream<Uint8Array>).getReader();
  const followed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (!done) {
          controller.enqueue(value);
          return;
        }
        controller.close();
      } catch (error) {
        controller.error(error);
      }
      ended();
    },
    async cancel(reason) {
      ended();
      await reader.cancel(reason);
    },
  });
  const { status, statusText, headers } = c.res;
  c.res = undefined; // replace, not merge (the setter would copy the same headers onto themselves)
  c.res = new Response(followed, { status, statusText, headers });
}
