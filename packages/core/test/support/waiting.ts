import type { Redis } from 'ioredis';
import type { Lock, Locker } from '@deadbolt/core';
import { queued } from './modes.js';

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

/**
 * Makes `waiterLocker` wait for `key` once, so its wake-up channel is subscribed (it lingers): a later wait on the
 * key then pauses on its first refusal instead of retrying at once after a fresh subscription.
 *
 * The holder releases only after the waiter paused (its `waited` event, right before it subscribes), not as soon
 * as Redis queued it: a release by the waiter's own locker hands it the lock in the reply, and a reply that came
 * before the waiter paused reached it as an early wake-up, so it never subscribed (seen under load: a later
 * hand-over then waited for a fresh subscription and came after the release).
 */
export async function subscribeByWaiting(
  admin: Redis,
  prefix: string,
  key: string,
  holderLocker: Locker,
  waiterLocker: Locker,
): Promise<void> {
  const holder = await holderLocker.acquire(key);
  const paused = new Promise((resolve) => waiterLocker.once('waited', resolve));
  const waiter = waiterLocker.acquire(key);
  await Promise.all([queued(admin, prefix, key, 1), paused]);
  await holder.release();
  await (await waiter).release();
}
