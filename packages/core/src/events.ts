import { EventEmitter } from 'node:events';
import type { LockLostError } from './errors/LockLostError.js';

/**
 * Events a locker emits. Every payload is small and allocated only when the event fires; nothing is kept
 * after it. Listen with `locker.on(name, listener)`.
 */
export interface LockerEvents {
  /** A lock was granted after `waited` ms and `attempts` attempts. */
  acquired: [info: { key: string; fence: number; waited: number; attempts: number }];
  /** An acquire found the lock busy and starts waiting (once per acquire). */
  waited: [info: { key: string; holderTtl: number }];
  /** An acquire gave up because the lock stayed busy. */
  busy: [info: { key: string; waited: number; holderTtl: number }];
  /** A lease was extended (by renewal or `extend()`). */
  extended: [info: { key: string; fence: number; ttl: number }];
  /** One renewal attempt failed; it is retried while the lease is still valid. */
  renewFailed: [info: { key: string; fence: number; error: Error }];
  /** A held lock was lost; `signal` aborted and `onLockLost` ran. */
  lost: [info: { key: string; fence: number; error: LockLostError; heldFor: number }];
  /**
   * A lock was released after `heldFor` ms; `held` says whether its lease was still held, `wasLost` whether the
   * lock had been lost before (it then counts as `lost`, not `released`, in `metrics()`).
   */
  released: [info: { key: string; fence: number; held: boolean; heldFor: number; wasLost: boolean }];
  /** A Redis call failed where no caller could be told (a cleanup, a release in `using`). */
  redisError: [info: { key: string; error: Error }];
}

/** A Node `EventEmitter` whose `on`/`once`/`off`/`emit` are typed by {@link LockerEvents}. */
export class TypedEmitter<Events extends Record<keyof Events, unknown[]>> extends EventEmitter {
  override on<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override once<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    return super.once(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends keyof Events & string>(event: E, listener: (...args: Events[E]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  override emit<E extends keyof Events & string>(event: E, ...args: Events[E]): boolean {
    return this.listenerCount(event) > 0 && super.emit(event, ...args);
  }
}
