import type { OutageLog } from './OutageLog.js';
import type { RequestLockConfig } from './RequestLockConfig.js';
import type { RequestKeyError } from './RequestKeyError.js';

/**
 * When the lock is released: `response` = as soon as the response finished or closed (Express, which cannot
 * see when a handler completes); `response-and-handler` = once both the response ended and the handler
 * completed (Koa), so a handler still running after its client left keeps the lock.
 */
export type ReleasePolicy = 'response' | 'response-and-handler';

/** State shared by every request of one middleware. */
export interface RequestLockShared<Req> {
  readonly config: RequestLockConfig<Req>;
  readonly outage: OutageLog;
  /** Reports a programming error (misuse) once per middleware. */
  readonly misuse: (error: RequestKeyError) => void;
}
