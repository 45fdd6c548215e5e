import type { SimpleLockFlaws } from '../fixtures/SimpleLock.js';
import type { DeadboltAdapterOptions } from './deadboltAdapter.js';

/**
 * How a child process rebuilds a built-in lock: plain data (it crosses the IPC channel), so a {@link LockAdapter}
 * that carries one can run its clients in child processes (`processes: 'child'`). Options must be cloneable (no
 * functions).
 */
export type ChildLockSpec =
  | { readonly kind: 'deadbolt'; readonly options: DeadboltAdapterOptions }
  | { readonly kind: 'simple'; readonly name: string; readonly flaws: SimpleLockFlaws };
