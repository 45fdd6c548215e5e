import type { LockBackend } from '../backend/LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import type { LockerConfig } from '../config/config.js';
import type { LockerEvents, TypedEmitter } from '../events.js';
import type { Lock } from './Lock.js';
import type { TimerQueue } from './TimerQueue.js';

/** What a held {@link Lock} needs from the locker that granted it. */
export interface LockHost {
  readonly backend: LockBackend;
  readonly config: LockerConfig;
  readonly events: TypedEmitter<LockerEvents>;
  /** The renewal and deadline timers of every lock of the locker, on its clock (`config.now`). */
  readonly timers: TimerQueue;
  /**
   * Reports a release that Redis answered, as the `released` event (counted by the metrics; its object built
   * only for listeners): `held`, whether the lease was still this owner's.
   */
  released(key: string, fence: number, held: boolean, heldFor: number, wasLost: boolean): void;
  /** The lock is no longer held: stop tracking it. */
  forget(lock: Lock): void;
  /** Best-effort release of what a closing locker held; failures go to the `redisError` event. */
  cleanup(target: LockTarget, token: string): Promise<void>;
}
