import { problemResponse, type ProblemReply } from '@deadbolt/http';
import type { FastifyReply } from 'fastify';

/**
 * Answers with a problem reply through Fastify's reply (so `onSend` and `onResponse` hooks run): the status,
 * `Retry-After`, `Cache-Control` and `application/problem+json` of `@deadbolt/http`'s `problemResponse`, after
 * removing the handler's representation headers (`ETag`, `Location`…); headers of other hooks (CORS, request ids)
 * stay. `Content-Length` is left to Fastify, which computes it after the `onSend` hooks (compression may change
 * the body). Does nothing once the response has begun; returns whether it answered.
 *
 * @example
 * ```ts
 * if (!sendProblem(reply, lostReply)) request.log.warn('too late to answer')
 * ```
 */
export function sendProblem(reply: FastifyReply, problem: ProblemReply): boolean {
  if (reply.sent || reply.raw.headersSent) return false;
  const { status, remove, headers, body } = problemResponse(problem);
  for (const name of remove) {
    reply.removeHeader(name);
    reply.raw.removeHeader(name);
  }
  for (const [name, value] of Object.entries(headers))
    if (name.toLowerCase() !== 'content-length') reply.header(name, value);
  // A Buffer goes out as it is: a string would pass through a serializer the handler may have set on the reply.
  reply.code(status).send(Buffer.from(body));
  return true;
}
