import type { Lock, Locker } from '@deadbolt/core';

/**
 * Starts an acquire of `key` that may wait 30 s and resolves once it is queued behind the holder (its `waited`
 * event). The acquire itself is returned wrapped, so awaiting this helper does not await the grant.
 */
export async function waiting(locker: Locker, key: string): Promise<{ settled: Promise<Lock> }> {
  const queued = new Promise((resolve) => locker.once('waited', resolve));
  const settled = locker.acquire(key, { wait: 30_000 });
  settled.catch(() => {}); // observed by the test
  await queued;
  return { settled };
}
