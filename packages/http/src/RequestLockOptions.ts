import type { LockLogger, Locker } from '@deadbolt/core';

/**
 * What a key function returns: one key, several keys locked together (all or none, taken in sorted order), or
 * `undefined`/`false` to serve the request without a lock.
 */
export type RequestKey = string | readonly string[] | undefined | false;

/** What a request whose key function returned `undefined` gets: 400 `ERR_LOCK_KEY_MISSING`, or served unlocked. */
export type MissingKeyPolicy = 'reject' | 'skip';

/**
 * How a request holds its key(s): `'exclusive'` alone (the mutex), or `'shared'` together with other shared
 * requests (a read lock: readers overlap; a writer waits for them and they for it, in arrival order).
 *
 * @example
 * ```ts
 * const mode: RequestMode = request.method === 'GET' ? 'shared' : 'exclusive'
 * ```
 */
export type RequestMode = 'exclusive' | 'shared';

/** A console-like logger: `console` fits. */
export type RequestLockLogger = LockLogger;

/**
 * Why a request is answered with `Retry-After`, and what this process knows of the wait a retry faces (see
 * `defaultRetryAfter` for how the default uses it).
 */
export interface RetryAfterInfo {
  /** The resource is busy, or Redis cannot be reached (or the lock was lost). */
  readonly reason: 'busy' | 'unavailable';
  /** For `busy`: how long the current holder's lease still runs, in ms; `-1` when unknown. */
  readonly remaining: number;
  /**
   * For `busy`: the moving estimate of how long a request holds a lock of this locker, in ms (from the holds
   * this process saw end; `INITIAL_HOLD_ESTIMATE_MS`, 1 000, before the first).
   */
  readonly typicalHold?: number;
  /** For `busy`: requests of this process still in line for the key (the first of the request's keys). */
  readonly inLine?: number;
}

/**
 * The framework-neutral options of a request lock. `OnBusy` is the adapter's signature of the `onBusy` hook
 * (Express: `(req, res, next, info)`, Koa: `(ctx, info)`); the request layer only checks that it is a function.
 * Every field except `locker` and `key` is optional; defaults are listed per field.
 *
 * @example
 * ```ts
 * const options: RequestLockOptions<Request> = { locker, key: (req) => `order:${req.params.id}`, wait: 2_000 }
 * ```
 */
export interface RequestLockOptions<Req, OnBusy extends AnyFunction = never> {
  /** The locker that grants the locks (see `createLocker`). Required. */
  readonly locker: Locker;
  /**
   * Derives the lock key(s) from the request; may be async. A string, an array (all keys locked together),
   * or `undefined`/`false` to skip locking. Required.
   */
  readonly key: (request: Req) => RequestKey | Promise<RequestKey>;
  /** How long a request waits for a busy key, in FIFO order, in ms; `0` rejects at once. Default `5_000`. */
  readonly wait?: number;
  /** Lease length in ms (renewed while the request runs), at least `MIN_TTL_MS` (10). Default: the locker's `ttl`. */
  readonly ttl?: number;
  /** Status of the "busy" answer (400–599). Default `409`. */
  readonly statusCode?: number;
  /** Serve requests without the lock while Redis is down (logged once per outage). Default `false` (503). */
  readonly failOpen?: boolean;
  /**
   * `Retry-After` in seconds: a number, or a function of {@link RetryAfterInfo}. Default: `defaultRetryAfter`
   * (busy: the typical hold × (requests in line + 1), capped by the holder's remaining lease, at least 1 s;
   * Redis down: 1 s).
   */
  readonly retryAfter?: number | ((info: RetryAfterInfo) => number);
  /** Where failOpen outages, release failures and misuse are reported. Default `console`. */
  readonly logger?: RequestLockLogger;
  /**
   * Longest time a request may hold its lock, in ms: then `lock.signal` aborts, the lock is released and a
   * request that has not answered yet gets 503. Default: none (held, and renewed, until the request ends).
   */
  readonly maxHold?: number;
  /**
   * Answers a request whose key stayed busy after `wait`, instead of the default `statusCode` + `Retry-After` +
   * problem+json reply (which the adapter passes it as `info.reply`). Default: that reply.
   */
  readonly onBusy?: OnBusy;
  /**
   * Most distinct keys one request may lock (an array from the key function, a repeated query parameter);
   * more is answered 400 `ERR_LOCK_KEY_LIMIT`. Default `16`.
   */
  readonly maxKeys?: number;
  /**
   * When the key function returns `undefined` (typically: the client omitted the field the key is built from):
   * `'reject'` answers 400 `ERR_LOCK_KEY_MISSING`; `'skip'` serves the request without a lock. Return `false`
   * to skip locking on purpose. Default `'reject'`.
   */
  readonly onMissingKey?: MissingKeyPolicy;
  /**
   * `'exclusive'`: one request at a time per key. `'shared'`: shared requests of a key run together, an exclusive
   * one runs alone; arrival order across modes, so a waiting exclusive request blocks later shared ones. Or a
   * synchronous function of the request returning one of them (for example `'shared'` for GET and HEAD); any other
   * answer (a Promise too) is answered 500 `ERR_LOCK_CONFIG`. Needs a single Redis, or a Cluster lock whose keys
   * share one slot (else 500 `ERR_LOCK_CONFIG`). Default `'exclusive'`.
   */
  readonly mode?: RequestMode | ((request: Req) => RequestMode);
  /**
   * At most this many requests on one key at once (a counting semaphore; `1` is the mutex): an integer from 1 to
   * `MAX_LIMIT`, or a synchronous function of the request returning one (an unusable answer is answered 500
   * `ERR_LOCK_CONFIG`). Every request on a key must use the same limit while any holds it: another is answered
   * 500 `ERR_LOCK_MODE`. Not with a `mode` other than `'exclusive'` (`LockConfigError` when the middleware is
   * created); the same topologies as `mode`. Default: none (one request at a time).
   */
  readonly limit?: number | ((request: Req) => number);
}

/** Any function: the bound of an adapter's `onBusy` signature. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => unknown;
