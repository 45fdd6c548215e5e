import { useRedisCluster } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, LockBusyError, type Lock, type Locker } from '@deadbolt/core';
import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { lockKeys } from '../src/keys/lockKeys.js';
import { eachBackend } from './support/backends.js';

use(chaiAsPromised);

// Issue 24's test-suite hole: a multi-key lock must be refused while ANY of its keys is held, not only the first
// (in sorted order), on the first attempt and on the blocking path (the attempts a waiter makes while queued, and
// the attempt a release wakes it for). A mutant whose queued path checked only KEYS[1] passed the whole suite.

/** The cases, for a pair of lockers (`holder`, `taker`) on one topology and keys `a` < `b` < `c`. */
function refusalCases(
  lockers: () => { holder: Locker; taker: Locker; keys: readonly [string, string, string] },
) {
  it('tryAcquire is refused when only a later key is held, and takes none of the free ones', async function () {
    const { holder, taker, keys } = lockers();
    const [a, b, c] = keys;
    const held = await holder.acquire(c);
    expect(await taker.tryAcquire([a, b, c])).to.equal(null);
    expect(await taker.tryAcquire([c, a])).to.equal(null);
    const free = await holder.tryAcquire([a, b]);
    expect(free, 'the refused attempts left no lease on the free keys').to.not.equal(null);
    await Promise.all([free?.release(), held.release()]);
  });

  it('a blocking acquire queued on the keys is never granted while a later key stays held', async function () {
    const { holder, taker, keys } = lockers();
    const [a, b] = keys;
    const held = await holder.acquire(b);
    // 1.5 s: the waiter makes its heartbeat attempts (every 400 ms) from the queue, each must be refused
    const error: unknown = await taker.acquire([a, b], { wait: 1_500 }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(LockBusyError);
    const free = await holder.tryAcquire(a);
    expect(free, 'the waiter left no lease on the free key').to.not.equal(null);
    await Promise.all([free?.release(), held.release()]);
  });

  it('a release of one key wakes the waiter, which is still refused while the other key is held', async function () {
    const { holder, taker, keys } = lockers();
    const [a, b] = keys;
    const first: Lock = await holder.acquire(a, { ttl: 5_000 });
    const second: Lock = await holder.acquire(b, { ttl: 5_000 });
    const queued = new Promise((resolve) => taker.once('waited', resolve));
    const waiter = taker.acquire([a, b], { wait: 1_500, ttl: 5_000 }).catch((caught: unknown) => caught);
    await queued;
    await first.release(); // a hand-over or wake-up for the waiter on `a`; `b` is still held
    expect(await waiter).to.be.instanceOf(LockBusyError);
    const both = await taker.acquire([a, b], { wait: 1_000 }).catch((caught: unknown) => caught);
    expect(both, 'b is still held').to.be.instanceOf(LockBusyError);
    await second.release();
    const granted = await taker.acquire([a, b], { wait: 5_000 });
    expect(granted.keys).to.deep.equal([a, b]);
    expect(granted.fence).to.be.greaterThan(second.fence);
    await granted.release();
  });
}

describe('a multi-key lock is refused while any of its keys is held', function () {
  this.timeout(60_000);

  describe('on one Redis', function () {
    eachBackend((backend) => {
      let holder: Locker;
      let taker: Locker;
      beforeEach(function () {
        const prefix = backend().prefix();
        holder = createLocker(backend().client(), { prefix, ttl: 5_000 });
        taker = createLocker(backend().client(), { prefix, ttl: 5_000 });
      });
      afterEach(async function () {
        await Promise.all([holder.close(), taker.close()]);
      });
      refusalCases(() => ({ holder, taker, keys: ['a', 'b', 'c'] }));
    });
  });

  describe('on a Redis Cluster, keys in three slots', function () {
    const redis = useRedisCluster({ masters: 3 });
    let holder: Locker;
    let taker: Locker;
    let round = 0;
    beforeEach(function () {
      round += 1;
      holder = createLocker(redis.cluster.client(), { prefix: `mk${round}`, ttl: 5_000 });
      taker = createLocker(redis.cluster.client(), { prefix: `mk${round}`, ttl: 5_000 });
    });
    afterEach(async function () {
      await Promise.all([holder.close(), taker.close()]);
    });
    const keys = ['acct:1', 'acct:2', 'acct:3'] as const;
    it('(the keys lie in several slots)', function () {
      const slots = new Set(keys.map((key) => clusterSlot(lockKeys('mk', key).lease)));
      expect(slots.size).to.be.greaterThan(1);
    });
    refusalCases(() => ({ holder, taker, keys }));
  });
});
