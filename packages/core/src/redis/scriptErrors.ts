import { LockRedisError } from '../errors/LockRedisError.js';
import type { Script } from './Script.js';

/**
 * The error a script call rejects with when Redis or the client failed: `error` itself when it is a
 * {@link LockRedisError} already, else one that names the script and keeps `error` as its cause.
 *
 * @example
 * ```ts
 * redisError(PROBE, new Error('READONLY')).message // 'Redis probe failed: READONLY'
 * ```
 */
export function redisError(script: Script, error: unknown): LockRedisError {
  if (error instanceof LockRedisError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new LockRedisError(`Redis ${script.name} failed: ${message}`, { cause: error });
}

/**
 * The error a script call rejects with when `who` did not answer within `ms`.
 *
 * @example
 * ```ts
 * timeoutError(PROBE, 500, 'Redis').message // 'Redis did not answer probe within 500 ms'
 * ```
 */
export function timeoutError(script: Script, ms: number, who: string): LockRedisError {
  return new LockRedisError(`${who} did not answer ${script.name} within ${ms} ms`);
}

/**
 * The error a script call rejects with, unsent, while the connection is down (`status`).
 *
 * @example
 * ```ts
 * notConnectedError(PROBE, 'reconnecting').message
 * // 'Redis is not connected (connection reconnecting); probe was not sent'
 * ```
 */
export function notConnectedError(script: Script, status: string | undefined): LockRedisError {
  return new LockRedisError(`Redis is not connected (connection ${status}); ${script.name} was not sent`);
}
