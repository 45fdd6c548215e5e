/** An RFC 9457 problem details body. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The stable deadbolt code, when the problem comes from an error class. */
  readonly code?: string;
}

/** A complete answer the adapters write as is: status, headers and an `application/problem+json` body. */
export interface ProblemReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Problem;
}

/** The content type of every answer the middleware writes itself. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Builds a reply; `retryAfter` (seconds) adds the `Retry-After` header. */
export function problemReply(problem: Problem, retryAfter?: number): ProblemReply {
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  return { status: problem.status, headers, body: problem };
}

/** The body of a reply as bytes-ready text. */
export function problemText(reply: ProblemReply): string {
  return JSON.stringify(reply.body);
}
