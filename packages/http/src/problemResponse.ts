import type { ServerResponse } from 'node:http';
import { PROBLEM_CONTENT_TYPE, problemText, type ProblemReply } from './problem.js';

/**
 * Headers describing the handler's own representation (lower case): an adapter removes them before it writes a
 * problem reply, so a 409 or 503 never carries the `ETag` or `Location` of an answer that was not sent.
 */
export const REPRESENTATION_HEADERS: readonly string[] = [
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-location',
  'content-range',
  'etag',
  'last-modified',
  'location',
];

/** A problem reply as an adapter writes it: the headers to remove, the headers to set, status and body text. */
export interface ProblemResponse {
  readonly status: number;
  /** {@link REPRESENTATION_HEADERS}. Headers set by other middleware (CORS, request ids) stay. */
  readonly remove: readonly string[];
  /** The reply's own headers (`Retry-After`) plus `Cache-Control`, `Content-Type` and `Content-Length`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Everything an adapter writes for `reply`, in one place for every framework.
 *
 * @example
 * ```ts
 * const { status, remove, headers, body } = problemResponse(reply)
 * for (const name of remove) ctx.remove(name)
 * ctx.status = status
 * ctx.set(headers)
 * ctx.body = body
 * ```
 */
export function problemResponse(reply: ProblemReply): ProblemResponse {
  const body = problemText(reply);
  return {
    status: reply.status,
    remove: REPRESENTATION_HEADERS,
    headers: {
      ...reply.headers,
      'Cache-Control': 'no-store',
      'Content-Type': `${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
      'Content-Length': String(Buffer.byteLength(body)),
    },
    body,
  };
}

/**
 * Writes a problem reply on a Node response (Express, Fastify's `reply.raw`, a plain `node:http` server) and
 * ends it. Does nothing once headers were sent; returns whether it wrote.
 *
 * @example
 * ```ts
 * if (!writeProblem(res, reply)) logger.warn('too late to answer')
 * ```
 */
export function writeProblem(res: ServerResponse, reply: ProblemReply): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  const { status, remove, headers, body } = problemResponse(reply);
  for (const name of remove) res.removeHeader(name);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
  return true;
}
