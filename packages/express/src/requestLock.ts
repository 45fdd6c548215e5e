import type { RequestLock } from '@deadbolt/core';

declare global {
  // Express types its request through this global namespace (Express 4 and 5 alike).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The lock `lockRequests()` holds for this request (`fence`, `signal`, `remaining()`); `undefined` when
       * the key function skipped locking or Redis was down with `failOpen`.
       */
      lock?: RequestLock;
    }
  }
}

export type { RequestLock };
