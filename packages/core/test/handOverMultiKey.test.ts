import { expect } from 'chai';
import { createLocker, type Lock, type Locker } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';
import { suiteState } from './support/modes.js';
import { subscribeByWaiting } from './support/waiting.js';

// A release of a multi-key lock may hand any of its keys to a one-key waiter of the releasing locker. Such a
// hand-over goes in the release's reply, which must name the key, so the waiter wakes on that key's channel
// (not the first key's) at once, rather than at its next heartbeat; only one fits in the reply, the others
// are published. Granted by the hand-over means: no attempt after the refused first one, and the handed
// fence (the lock's fence + 1: its keys share its fence); a waiter that slept through it would find the lease
// its own at its heartbeat attempt and take the fence after that.

describe('hand-overs of a multi-key release to waiters of its own locker', function () {
  eachBackend((backend) => {
    const s = suiteState(backend);

    /** One-key waiters of `locker` on `keys`, each queued before the next starts; with their attempts. */
    async function waitOn(
      locker: Locker,
      keys: readonly string[],
    ): Promise<{ locks: Promise<Lock[]>; attempts: Map<string, number> }> {
      const attempts = new Map<string, number>();
      locker.on('acquired', (info) => attempts.set(info.key, info.attempts));
      const locks: Promise<Lock>[] = [];
      for (const key of keys) {
        locks.push(locker.acquire(key));
        await s.queued(key, 1);
      }
      return { locks: Promise.all(locks), attempts };
    }

    it('a hand-over of a later key wakes its waiter on that key: granted without another attempt', async function () {
      const { admin, prefix } = s;
      const locker = createLocker(backend().connect(), { prefix });
      await subscribeByWaiting(admin, prefix, 'b', locker, locker);
      const held = await locker.acquire(['a', 'b']);
      const { locks, attempts } = await waitOn(locker, ['b']);
      await held.release();
      const [lock] = await locks;
      expect(attempts.get('b'), 'attempts of the waiter on b').to.equal(1);
      expect(lock?.fence, 'the handed fence').to.equal(held.fence + 1);
      await lock?.release();
      await locker.close();
    });

    it('two keys handed to waiters of the locker: one in the reply, one published, both granted by the hand-over', async function () {
      const { admin, prefix } = s;
      const locker = createLocker(backend().connect(), { prefix });
      for (const key of ['a', 'b']) await subscribeByWaiting(admin, prefix, key, locker, locker);
      const held = await locker.acquire(['a', 'b']);
      const { locks, attempts } = await waitOn(locker, ['a', 'b']);
      await held.release();
      const granted = await locks;
      expect(Object.fromEntries(attempts), 'attempts of the waiters').to.deep.equal({ a: 1, b: 1 });
      expect(
        granted.map((lock) => lock.fence),
        'the handed fences',
      ).to.deep.equal([held.fence + 1, held.fence + 1]);
      await Promise.all(granted.map((lock) => lock.release()));
      await locker.close();
    });
  });
});
