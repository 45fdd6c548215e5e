import type { LockAdapter } from '../adapter/LockAdapter.js';
import { deadboltAdapter } from '../adapter/deadboltAdapter.js';
import { brokenCountedLocks, brokenLocks, simpleLockAdapter, throwingLock } from '../fixtures/index.js';
import { UsageError } from './UsageError.js';

/**
 * The lock a CLI name stands for: `deadbolt`, `correct` (the reference lock), `throwing` (every acquire throws:
 * an inconclusive run) or a `brokenLocks` name. `replicaWait` (`--replica-wait`): deadbolt with its
 * `replicas: { wait }` option.
 *
 * @throws {@link UsageError} for any other name, or a `replicaWait` for another lock than deadbolt.
 * @example
 * ```ts
 * lockByName('naive') === brokenLocks.naive // true
 * ```
 */
export function lockByName(name: string, replicaWait?: number): LockAdapter {
  if (name === 'deadbolt')
    return deadboltAdapter(replicaWait === undefined ? {} : { replicas: { wait: replicaWait } });
  if (replicaWait !== undefined)
    throw new UsageError(`--replica-wait is an option of deadbolt, not of ${name}`);
  if (name === 'correct') return simpleLockAdapter('correct reference lock');
  if (name === 'throwing') return throwingLock;
  const broken = (fixtures() as Record<string, LockAdapter>)[name];
  if (!broken)
    throw new UsageError(
      `--lock must be deadbolt, correct, throwing or one of ${Object.keys(fixtures()).join(', ')}, got "${name}"`,
    );
  return broken;
}

/**
 * The CLI name of a built-in lock (`deadbolt` with its default options, or a `brokenLocks` fixture), so that a
 * replay command can be printed for it; `undefined` for any other adapter.
 *
 * @example
 * ```ts
 * cliLockName(brokenLocks.naive) // 'naive'
 * ```
 */
export function cliLockName(lock: LockAdapter): string | undefined {
  if (lock === throwingLock) return 'throwing';
  const fixture = Object.entries(fixtures()).find(([, l]) => l === lock)?.[0];
  if (fixture) return fixture;
  const child = lock.child;
  if (child?.kind === 'deadbolt' && lock.name === 'deadbolt' && Object.keys(child.options).length === 0)
    return 'deadbolt';
  return undefined;
}

/** Every broken fixture by its CLI name: the mutex ones, then the counted-modes ones. */
function fixtures(): Readonly<Record<string, LockAdapter>> {
  return { ...brokenLocks, ...brokenCountedLocks };
}
