import type { LockConfigError } from '@deadbolt/core';
import type { AcquireStops } from './AcquireStops.js';
import type { ExclusiveAcquireOptions } from './ExclusiveAcquireOptions.js';
import type { HoldEstimate } from './HoldEstimate.js';
import type { OutageLog } from './OutageLog.js';
import type { RequestLockConfig } from './RequestLockConfig.js';
import type { AnyFunction } from './RequestLockOptions.js';

/**
 * When the lock is released: `response` = as soon as the response finished or closed (Express, which cannot
 * see when a handler completes); `response-and-handler` = once both the response ended and the handler
 * completed (Koa), so a handler still running after its client left keeps the lock.
 */
export type ReleasePolicy = 'response' | 'response-and-handler';

/** State shared by every request of one middleware. */
export interface RequestLockShared<Req> {
  readonly config: RequestLockConfig<Req, AnyFunction>;
  readonly outage: OutageLog;
  /** What this process has seen of the locker's request holds and lines (feeds `Retry-After`). */
  readonly holds: HoldEstimate;
  /**
   * Reports a likely misuse (a key reading route params under `app.use`, a mode or limit that cannot lock a
   * request) once per middleware and error code, as a warning.
   */
  readonly misuse: (error: LockConfigError) => void;
  /** The acquires' stops and guards (see {@link AcquireStops}); unused with `wait: 0`. */
  readonly stops: AcquireStops;
  /** The exclusive acquires' options, built once per signal (see {@link ExclusiveAcquireOptions}). */
  readonly exclusive: ExclusiveAcquireOptions;
}
