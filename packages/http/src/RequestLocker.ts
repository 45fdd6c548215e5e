import type { LockConfigError } from '@deadbolt/core';
import { AcquireStops } from './AcquireStops.js';
import { ExclusiveAcquireOptions } from './ExclusiveAcquireOptions.js';
import { holdEstimateOf } from './HoldEstimate.js';
import { OutageLog } from './OutageLog.js';
import { resolveRequestLockConfig, type RequestLockConfig } from './RequestLockConfig.js';
import type { AnyFunction, RequestLockOptions } from './RequestLockOptions.js';
import type { ReleasePolicy, RequestLockShared } from './RequestLockShared.js';
import { RequestLockSession } from './RequestLockSession.js';
import { STORE_GRACE_MS } from './takeLock.js';

/**
 * The framework-neutral core of a request-lock middleware: validates the options once (throws
 * `LockConfigError`) and opens one {@link RequestLockSession} per request. `@deadbolt/express` and
 * `@deadbolt/koa` are thin adapters over it.
 *
 * @example
 * ```ts
 * const requests = new RequestLocker<MyRequest>({ locker, key: (r) => r.resource }, 'myMiddleware')
 * const session = requests.open('response')
 * response.once('close', () => session.responseDone())
 * const outcome = await session.acquire(request, request.params)
 * ```
 */
export class RequestLocker<Req, OnBusy extends AnyFunction = never> {
  /** The validated options. */
  readonly config: RequestLockConfig<Req, OnBusy>;
  readonly #shared: RequestLockShared<Req>;

  /**
   * @param options - the middleware's options
   * @param where - the middleware's name, used in error messages (e.g. `'lockRequests'`)
   * @param extra - the adapter's own option names besides `onBusy`, accepted but not validated here
   */
  constructor(options: RequestLockOptions<Req, OnBusy>, where: string, extra: readonly string[] = []) {
    this.config = resolveRequestLockConfig(options, where, extra);
    const misuseReported = new Set<string>();
    const { logger, wait } = this.config;
    this.#shared = {
      config: this.config,
      outage: new OutageLog(logger),
      holds: holdEstimateOf(this.config.locker),
      misuse: (error: LockConfigError) => {
        if (misuseReported.has(error.code)) return;
        misuseReported.add(error.code);
        logger.warn(`deadbolt: ${where}(): ${error.code}: ${error.message}`);
      },
      stops: new AcquireStops(wait + STORE_GRACE_MS),
      exclusive: new ExclusiveAcquireOptions(this.config.ttl, wait),
    };
  }

  /** Starts one request's lock; wire `responseDone` to the response before any await. */
  open(policy: ReleasePolicy): RequestLockSession<Req> {
    return new RequestLockSession(this.#shared, policy);
  }
}
