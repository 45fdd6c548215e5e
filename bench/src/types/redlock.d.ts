// Minimal types for redlock 4.2.0 (the npm `latest` tag ships none): only what the benchmark calls.
declare module 'redlock' {
  import type { EventEmitter } from 'node:events';
  import type { Redis } from 'ioredis';

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
      readonly expiration: number;
      unlock(): Promise<void>;
    }
  }

  class Redlock extends EventEmitter {
    constructor(clients: readonly Redis[], options?: Redlock.Options);
    lock(resource: string | string[], ttl: number): Promise<Redlock.Lock>;
  }

  export = Redlock;
}
