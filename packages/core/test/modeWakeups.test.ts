import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLocker, lockKeys, type Lock, type Locker } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';
import { holders, listen, queued, suiteState } from './support/modes.js';
import { subscribeByWaiting } from './support/waiting.js';

/**
 * Queues `tokens` on `key` in this order, as waiters nobody runs (their lockers do not exist), whose entries
 * live a minute: what a release wakes shows on the channels, and no attempt of theirs changes the queue.
 */
async function queueWaiters(admin: Redis, prefix: string, key: string, tokens: string[]): Promise<void> {
  const [seconds] = await admin.time();
  const { queue, queueExpiry } = lockKeys(prefix, key);
  for (const [index, token] of tokens.entries()) {
    await admin.zadd(queue, index + 1, token);
    await admin.zadd(queueExpiry, Number(seconds) * 1000 + 60_000, token);
  }
}

/**
 * The wake-up messages published on `key`'s channels by `operation`: a marker published after it returns arrives
 * after them, so the list is complete without waiting for a time.
 */
async function wakeupsDuring(
  admin: Redis,
  heard: { messages: string[] },
  prefix: string,
  key: string,
  operation: () => Promise<unknown>,
): Promise<string[]> {
  const start = heard.messages.length;
  await operation();
  const marker = `marker-${Math.random()}`;
  await admin.publish(lockKeys(prefix, key).channel, marker);
  await waitUntil(() => heard.messages.includes(marker), { description: 'the marker heard' });
  return heard.messages.slice(start, heard.messages.indexOf(marker));
}

describe('wake-ups of the counted modes: a release wakes only the waiters it makes grantable', function () {
  eachBackend((backend) => {
    const s = suiteState(backend);

    it('one freed permit wakes the next waiter once; a waiter woken but not come yet is not woken again', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix, renew: false });
      const heard = await listen(backend().connect(), `${s.prefix}:{p}:wake*`);
      const permits = [await locker.acquire('p', { limit: 2 }), await locker.acquire('p', { limit: 2 })];
      const waiters = ['w1tag.one~2', 'w2tag.two~2', 'w3tag.three~2'];
      await queueWaiters(s.admin, s.prefix, 'p', waiters);
      const during = (operation: () => Promise<unknown>): Promise<string[]> =>
        wakeupsDuring(s.admin, heard, s.prefix, 'p', operation);
      // Each wake-up goes to the waiter's locker channel and to the shared one: two messages naming it.
      expect(await during(() => permits[0]!.release())).to.deep.equal([waiters[0], waiters[0]]);
      expect(await during(() => permits[1]!.release())).to.deep.equal([waiters[1], waiters[1]]);
      heard.close();
      await locker.close();
    });

    it('a hand-over to a waiter of the releasing locker goes in the reply: no message, the waiter holds the permit', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const heard = await listen(backend().connect(), `${s.prefix}:{h}:wake*`);
      const held = await locker.acquire('h', { limit: 1 });
      const waiting = locker.acquire('h', { limit: 1 });
      await s.queued('h', 1);
      const [waiter] = await s.admin.zrange(lockKeys(s.prefix, 'h').queue, 0, 0);
      expect(await wakeupsDuring(s.admin, heard, s.prefix, 'h', () => held.release())).to.deep.equal([]);
      // The release granted the queued waiter the permit (it holds it before its acquire even resolves).
      expect(await s.holders('h')).to.deep.equal([waiter]);
      const lock = await waiting;
      expect(lock.token).to.equal(waiter);
      expect(lock.fence).to.be.greaterThan(held.fence);
      await lock.release();
      heard.close();
      await locker.close();
    });

    it('readers: a release that leaves a reader wakes nobody; the last reader gone wakes the writer at the head only', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix, renew: false });
      const heard = await listen(backend().connect(), `${s.prefix}:{r}:wake*`);
      const shares = [
        await locker.acquire('r', { shared: true }),
        await locker.acquire('r', { shared: true }),
      ];
      const waiters = ['xtag.writer', 'r1tag.one~s', 'r2tag.two~s'];
      await queueWaiters(s.admin, s.prefix, 'r', waiters);
      const during = (operation: () => Promise<unknown>): Promise<string[]> =>
        wakeupsDuring(s.admin, heard, s.prefix, 'r', operation);
      expect(await during(() => shares[0]!.release())).to.deep.equal([]);
      expect(await during(() => shares[1]!.release())).to.deep.equal([waiters[0], waiters[0]]);
      heard.close();
      await locker.close();
    });

    it('readers: a writer that gives up at the head wakes the readers queued behind it, who join the readers holding', async function () {
      const [holding, writing, reading] = [0, 1, 2].map(() =>
        createLocker(backend().client(), { prefix: s.prefix }),
      ) as [Locker, Locker, Locker];
      // The readers' channel is subscribed already: a reader's first refusal pauses (no retry after subscribing),
      // so a reader granted by a wake-up made one attempt, one granted by its heartbeat attempt two.
      await subscribeByWaiting(s.admin, s.prefix, 'w', holding, reading);
      const share = await holding.acquire('w', { shared: true });
      const giveUp = new AbortController();
      const writer = writing.acquire('w', { signal: giveUp.signal }).catch((error: unknown) => error);
      await s.queued('w', 1);
      const attempts: number[] = [];
      reading.on('acquired', (info) => attempts.push(info.attempts));
      const readers: Promise<Lock>[] = [];
      for (const behind of [2, 3]) {
        readers.push(reading.acquire('w', { shared: true }));
        await s.queued('w', behind);
      }
      giveUp.abort();
      expect(await writer).to.be.instanceOf(Error);
      const shares = await Promise.all(readers);
      expect(attempts, 'attempts of the readers').to.deep.equal([1, 1]);
      expect((await s.holders('w')).sort()).to.deep.equal(
        [share.token, ...shares.map((lock) => lock.token)].sort(),
      );
      await Promise.all([holding, writing, reading].map((locker) => locker.close()));
    });
  });
});

describe('cost of a counted-mode release (real Redis, INFO commandstats)', function () {
  const redis = useRedisServer();

  it('reads the scores of the waiters it wakes and no more, however long the queue', async function () {
    const admin = redis.server.client();
    const locker = createLocker(redis.server.client(), { prefix: 'cost', renew: false });
    const reads: number[] = [];
    for (const [key, length] of [
      ['short', 3],
      ['long', 200],
    ] as const) {
      const permits = [await locker.acquire(key, { limit: 2 }), await locker.acquire(key, { limit: 2 })];
      const waiters = Array.from({ length }, (_, index) => `w${index}tag.secret~2`);
      await queueWaiters(admin, 'cost', key, waiters);
      await redis.server.resetStats();
      await permits[0]!.release();
      const stats = await redis.server.commandStats();
      // The woken waiter's entry only: the holder leaves with a ZREM, and once the freed permit is given again
      // no waiter after it could be granted, so none is read.
      expect(stats['zscore'], `ZSCORE calls with ${length} waiters`).to.equal(1);
      expect(stats['publish'], `PUBLISH calls with ${length} waiters`).to.equal(2);
      reads.push(stats['zscore'] ?? 0);
      await permits[1]!.release();
    }
    expect(reads[0]).to.equal(reads[1]);
    await locker.close();
    admin.disconnect();
  });

  it('a permit that was waited for releases with a PING ahead in the same write; one granted at once, without', async function () {
    const admin = redis.server.client();
    const [holding, handed, last] = [0, 1, 2].map(() =>
      createLocker(redis.server.client(), { prefix: 'led' }),
    );
    const pings = async (): Promise<number> => (await redis.server.commandStats())['ping'] ?? 0;
    // The waiters' channels are subscribed (they linger), so each wait pauses on its first refusal.
    await subscribeByWaiting(admin, 'led', 'k', holding!, handed!);
    await subscribeByWaiting(admin, 'led', 'k', holding!, last!);
    const [first, other] = [
      await holding!.acquire('k', { limit: 2 }),
      await holding!.acquire('k', { limit: 2 }),
    ];
    const waited = handed!.acquire('k', { limit: 2 });
    await queued(admin, 'led', 'k', 1);
    const before = await pings();
    await first.release();
    expect(await pings(), 'PINGs of a permit granted at once').to.equal(before);
    const permit = await waited;
    const next = last!.acquire('k', { limit: 2 });
    await queued(admin, 'led', 'k', 1);
    await permit.release();
    expect(await pings(), 'PINGs of a permit that was waited for').to.equal(before + 1);
    const after = await next;
    expect(after.fence).to.be.greaterThan(permit.fence);
    expect((await holders(admin, 'led', 'k')).sort()).to.deep.equal([other.token, after.token].sort());
    await Promise.all([other.release(), after.release()]);
    await Promise.all([holding, handed, last].map((locker) => locker!.close()));
    admin.disconnect();
  });
});
