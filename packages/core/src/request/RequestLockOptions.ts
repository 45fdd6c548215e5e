import type { LockLogger } from '../options.js';
import type { Locker } from '../Locker.js';

/**
 * What a key function returns: one key, several keys locked together (all or none, taken in sorted order), or
 * `undefined`/`false` to serve the request without a lock.
 */
export type RequestKey = string | readonly string[] | undefined | false;

/** A console-like logger: `console` fits. */
export type RequestLockLogger = LockLogger;

/** Why a request is answered with `Retry-After`: the resource is busy, or Redis cannot be reached. */
export interface RetryAfterInfo {
  readonly reason: 'busy' | 'unavailable';
  /** For `busy`: how long the current holder's lease still runs, in ms; `-1` when unknown. */
  readonly remaining: number;
}

/**
 * The framework-neutral options of a request lock; `@deadbolt/express` and `@deadbolt/koa` add their own
 * `onBusy`. Every field except `locker` and `key` is optional; defaults are listed per field.
 *
 * @example
 * ```ts
 * const options: RequestLockOptions<Request> = { locker, key: (req) => `order:${req.params.id}`, wait: 2_000 }
 * ```
 */
export interface RequestLockOptions<Req> {
  /** The locker that grants the locks (see `createLocker`). Required. */
  readonly locker: Locker;
  /**
   * Derives the lock key(s) from the request; may be async. A string, an array (all keys locked together),
   * or `undefined`/`false` to skip locking. Required.
   */
  readonly key: (request: Req) => RequestKey | Promise<RequestKey>;
  /** How long a request waits for a busy key, in FIFO order, in ms; `0` rejects at once. Default `5_000`. */
  readonly wait?: number;
  /** Lease length in ms (renewed while the request runs). Default: the locker's `ttl`. */
  readonly ttl?: number;
  /** Status of the "busy" answer (400–599). Default `409`. */
  readonly statusCode?: number;
  /** Serve requests without the lock while Redis is down (logged once per outage). Default `false` (503). */
  readonly failOpen?: boolean;
  /**
   * `Retry-After` in seconds: a number, or a function of {@link RetryAfterInfo}. Default: for busy, the
   * holder's remaining lease rounded up (at least 1, 1 when unknown); for Redis down, `1`.
   */
  readonly retryAfter?: number | ((info: RetryAfterInfo) => number);
  /** Where failOpen outages, release failures and misuse are reported. Default `console`. */
  readonly logger?: RequestLockLogger;
  /**
   * Longest time a request may hold its lock, in ms: then `lock.signal` aborts, the lock is released and a
   * request that has not answered yet gets 503. Default: none (held, and renewed, until the request ends).
   */
  readonly maxHold?: number;
}
