// A waiter process the parent drives over IPC (`fork(..., [URL, PREFIX])`): it acquires keys when told, blocks its
// own event loop when told, and reports every settled acquire. See staleHandover.test.ts.
import { existsSync, writeFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { createLocker, type Lock } from '@deadbolt/core';

/** What the parent sends. */
export type WaiterCommand =
  | {
      readonly type: 'acquire';
      readonly key: string;
      readonly ttl: number;
      readonly wait: number;
      /** One of `limit` permits (a semaphore) instead of the mutex. */
      readonly limit?: number;
    }
  /** Writes `marker`, then blocks the event loop (a synchronous busy loop) until `until` exists (30 s at most). */
  | { readonly type: 'block'; readonly marker: string; readonly until: string }
  | { readonly type: 'release'; readonly key: string };

/** What the child reports. */
export type WaiterReport =
  | { readonly type: 'ready' }
  | {
      readonly type: 'acquired';
      readonly key: string;
      readonly fence: number;
      readonly held: boolean;
      readonly remaining: number;
      readonly token: string;
    }
  | { readonly type: 'failed'; readonly key: string; readonly error: string }
  | { readonly type: 'released'; readonly key: string };

const BLOCK_AT_MOST_MS = 30_000;

if (process.send) {
  const [url, prefix] = process.argv.slice(2);
  // A command in flight when the process stalls would time out on resuming (its timer runs before its answer
  // is read): a commandTimeout far above the stall keeps these trials about hand-overs.
  const locker = createLocker(new Redis(url ?? ''), { prefix: prefix ?? 'deadbolt', commandTimeout: 15_000 });
  const locks = new Map<string, Lock>();
  const report = (message: WaiterReport): void => {
    process.send?.(message);
  };
  process.on('message', (command: WaiterCommand) => {
    if (command.type === 'block') {
      writeFileSync(command.marker, 'blocking');
      const until = Date.now() + BLOCK_AT_MOST_MS;
      while (!existsSync(command.until) && Date.now() < until) {
        // a synchronous stall of this process's event loop
      }
    } else if (command.type === 'acquire') {
      const { ttl, wait, limit } = command;
      locker.acquire(command.key, { ttl, wait, ...(limit === undefined ? {} : { limit }) }).then(
        (lock) => {
          locks.set(command.key, lock);
          report({
            type: 'acquired',
            key: command.key,
            fence: lock.fence,
            held: lock.held,
            remaining: lock.remaining(),
            token: lock.token,
          });
        },
        (error: unknown) => report({ type: 'failed', key: command.key, error: String(error) }),
      );
    } else {
      const lock = locks.get(command.key);
      locks.delete(command.key);
      void (lock?.release() ?? Promise.resolve()).finally(() =>
        report({ type: 'released', key: command.key }),
      );
    }
  });
  report({ type: 'ready' });
}
