import { parseCommandStats, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Locker } from '@deadbolt/core';

/**
 * `rounds` hand-offs of `order:<round>` from a holder of `holders` to a waiter of `waiters`, each asserted to be
 * granted by the release's wake-up message, not by a poll. The release waits until the waiter listens (on
 * whichever channel it chose, seen through `admin`) and made the attempt it makes at once after a fresh
 * subscription (a release before that is missed by design; one during that attempt makes the attempt find the
 * lease its own, and take the fence after the handed one). Nothing else runs scripts on the server meanwhile.
 *
 * @example
 * ```ts
 * await assertHandOffsByMessage(holders, waiters, server.client(), 5)
 * ```
 */
export async function assertHandOffsByMessage(
  holders: Locker,
  waiters: Locker,
  admin: Redis,
  rounds: number,
): Promise<void> {
  const scriptsRun = async (): Promise<number> => {
    const stats = parseCommandStats(await admin.info('commandstats'));
    return (stats['evalsha'] ?? 0) + (stats['eval'] ?? 0);
  };
  for (let round = 0; round < rounds; round += 1) {
    const key = `order:${round}`;
    const before = await scriptsRun();
    const held = await holders.acquire(key);
    const waiting = waiters.acquire(key, { wait: 10_000 });
    await waitUntil(
      async () =>
        ((await admin.call('PUBSUB', 'CHANNELS', `*order%3A${round}*wake*`)) as string[]).length > 0,
      { description: 'the waiter subscribed' },
    );
    // The holder's acquire, the waiter's refused attempt, and its attempt after subscribing.
    await waitUntil(async () => (await scriptsRun()) >= before + 3, {
      description: 'the waiter tried again after subscribing',
    });
    await held.release();
    const next = await waiting;
    // The release handed the lock over with the next fence and published it. A waiter that missed the message
    // polls instead: its own attempt finds the lease its own and takes the fence after that one.
    expect(next.fence, `round ${round}: granted by the hand-over message`).to.equal(held.fence + 1);
    await next.release();
  }
}
