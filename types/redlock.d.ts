// Types for redlock 4.2.0 (the npm `latest` tag ships none), shared by the benchmark and the
// third-party-lock example: only what they call.
declare module 'redlock' {
  import type { EventEmitter } from 'node:events';

  namespace Redlock {
    interface Options {
      driftFactor?: number;
      retryCount?: number;
      retryDelay?: number;
      retryJitter?: number;
    }
    interface Lock {
      readonly resource: string | string[];
      readonly value: string;
      /** `Date.now()` ms until which the lock is considered held. */
      readonly expiration: number;
      unlock(): Promise<void>;
      extend(ttl: number): Promise<Lock>;
    }
    /** What redlock 4 calls on each server: callback-style EVALSHA and EVAL. */
    interface Server {
      evalsha(
        hash: string,
        args: unknown[],
        callback: (error: Error | null, result?: unknown) => void,
      ): unknown;
      eval(args: unknown[], callback: (error: Error | null, result?: unknown) => void): unknown;
    }
  }

  class Redlock extends EventEmitter {
    /** `servers`: node-redis or ioredis clients (redlock 4 calls their callback-style EVAL and EVALSHA). */
    constructor(servers: readonly object[], options?: Redlock.Options);
    lock(resource: string | string[], ttl: number): Promise<Redlock.Lock>;
    static LockError: new (message: string) => Error;
  }

  export = Redlock;
}
