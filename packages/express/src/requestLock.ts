import type { RequestLock } from '@deadbolt/http';

declare global {
  // Express types its request through this global namespace (Express 4 and 5 alike).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /**
       * The lock `lockRequests()` holds for this request (`fence`, `signal`, `remaining()`); `undefined` when
       * the key function skipped locking or Redis was down with `failOpen`.
       */
      lock?: DeadboltRequestLock;
    }

    /**
     * What `req.lock` offers: the public shape of `RequestLock` from `@deadbolt/http`, spelled out here so that
     * the ESM and the CommonJS type declarations of this package declare the very same global type (a program
     * that loads both would otherwise see two different `RequestLock` classes and fail to merge them).
     */
    interface DeadboltRequestLock {
      readonly key: string;
      readonly keys: readonly string[];
      readonly token: string;
      readonly fence: number;
      readonly signal: AbortSignal;
      readonly deadline: number;
      readonly held: boolean;
      remaining(): number;
      extend(ttl?: number): Promise<void>;
    }
  }
}

export type { RequestLock };
