// Prelude "my-lock" for documentation code blocks (see test/docs/codeBlocks.test.ts): a user's own lock library,
// the one the adapter example wraps for the chaos harness.
import type { Redis } from 'ioredis';
import type { LockHandle } from '@deadbolt/chaos';

declare class MyBusyError extends Error {}
declare class MyLock {
  constructor(redis: Redis, options: { now: () => number; random: () => number });
  /** A handle whose token is the value stored at `lock:<key>`, or null when the key stayed busy for `wait` ms. */
  acquire(key: string, ttl: number, wait: number): Promise<LockHandle | null>;
  close(): Promise<void>;
  /** How many grants a release handed to this lock's waiters. */
  readonly handOvers: number;
}

export {};
