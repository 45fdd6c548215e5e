import { PROBLEM_CONTENT_TYPE, problemText, type ProblemReply } from '@deadbolt/core';
import type { ServerResponse } from 'node:http';

/** Headers describing the handler's own representation: they must not leak into a problem reply. */
const REPRESENTATION_HEADERS = [
  'content-disposition',
  'content-encoding',
  'content-language',
  'content-location',
  'content-range',
  'etag',
  'last-modified',
  'location',
];

/**
 * Writes a problem reply and ends the response. Headers set earlier by other middleware (CORS, request ids)
 * are kept. Does nothing once headers were sent; returns whether it wrote.
 *
 * @example
 * ```ts
 * if (!writeReply(res, reply)) logger.warn('too late to answer')
 * ```
 */
export function writeReply(res: ServerResponse, reply: ProblemReply): boolean {
  if (res.headersSent || res.writableEnded || res.destroyed) return false;
  const body = problemText(reply);
  for (const name of REPRESENTATION_HEADERS) res.removeHeader(name);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers)) res.setHeader(name, value);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
  return true;
}
