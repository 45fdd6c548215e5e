import type { Locker } from '@deadbolt/core';

/** Resolves once every lock of `keys` was extended again (an `extended` event each) since the call. */
export function nextRound(locker: Locker, keys: readonly string[]): Promise<void> {
  const waiting = new Set(keys);
  return new Promise((resolve) => {
    const onExtended = ({ key }: { key: string }): void => {
      waiting.delete(key);
      if (waiting.size > 0) return;
      locker.off('extended', onExtended);
      resolve();
    };
    locker.on('extended', onExtended);
  });
}

/**
 * How long the tests that hold many fresh keys let each acquire wait. The keys are free, but under load a grant
 * can come back after its lease's validity ran out (hundreds of scripts queued on a busy machine); the lock then
 * abandons it and, with `wait: 0`, reports busy. Waiting lets it try again; what these tests check is renewal.
 */
export const GRANT_WAIT = 20_000;
