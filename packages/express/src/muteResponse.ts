import type { ServerResponse } from 'node:http';

/**
 * After the middleware answered a request itself (its lock was lost), turns the handler's later attempts to
 * answer into no-ops, so they neither throw `ERR_HTTP_HEADERS_SENT` nor reach the client. A callback given to
 * `write`/`end` still runs.
 *
 * @example
 * ```ts
 * if (writeProblem(res, lostReply)) muteResponse(res)
 * ```
 */
export function muteResponse(res: ServerResponse): void {
  const callLast = (args: unknown[]): void => {
    const last = args[args.length - 1];
    if (typeof last === 'function') process.nextTick(last);
  };
  const muted = res as unknown as Record<string, unknown>;
  muted.setHeader = () => res;
  muted.appendHeader = () => res;
  muted.removeHeader = () => undefined;
  muted.writeHead = () => res;
  muted.write = (...args: unknown[]) => {
    callLast(args);
    return true;
  };
  muted.end = (...args: unknown[]) => {
    callLast(args);
    return res;
  };
}
