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
