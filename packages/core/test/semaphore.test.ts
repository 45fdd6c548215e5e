import { waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import fc from 'fast-check';
import {
  createLocker,
  LockBusyError,
  LockConfigError,
  LockLostError,
  LockModeError,
  lockKeys,
  type Lock,
} from '@deadbolt/core';
import { eachBackend } from './support/backends.js';
import { deferred } from './support/deferred.js';
import { listen, suiteState, aborted, grantOrder, renewals, keyNames, lockers } from './support/modes.js';

use(chaiAsPromised);

describe('semaphores: acquire(key, { limit })', function () {
  eachBackend((backend) => {
    const s = suiteState(backend);

    it('grants at most `limit` holders at once, and every one of them (property over limits and clients)', async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1, max: 4 }),
          fc.integer({ min: 2, max: 7 }),
          async (limit, clients) => {
            const keyPrefix = backend().prefix();
            const { all, close } = lockers(backend(), keyPrefix, clients);
            let inside = 0;
            let most = 0;
            // The first min(limit, clients) holders wait until they are all inside at once: the limit is reached.
            const full = deferred();
            await Promise.all(
              all.map((locker) =>
                locker.using(
                  'pool',
                  async () => {
                    inside += 1;
                    most = Math.max(most, inside);
                    if (inside === Math.min(limit, clients)) full.resolve();
                    await full.promise;
                    await new Promise((resolve) => setImmediate(resolve));
                    inside -= 1;
                  },
                  { limit },
                ),
              ),
            );
            expect(most, 'most holders at once').to.equal(Math.min(limit, clients));
            expect(await keyNames(backend(), keyPrefix)).to.deep.equal(['{pool}:fence']);
            await close();
          },
        ),
        { numRuns: 6 },
      );
    });

    it('refuses the permit beyond the limit: tryAcquire null, wait 0 LockBusyError with the soonest lease end', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix, ttl: 5_000 });
      const permits = [await locker.acquire('k', { limit: 2 }), await locker.acquire('k', { limit: 2 })];
      expect(await locker.tryAcquire('k', { limit: 2 })).to.equal(null);
      const error = await locker.acquire('k', { limit: 2, wait: 0 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(LockBusyError);
      expect((error as LockBusyError).remaining)
        .to.be.greaterThan(0)
        .and.at.most(5_000);
      expect(await s.holders('k')).to.have.members(permits.map((p) => p.token));
      expect(await s.keyNames()).to.deep.equal(['{k}', '{k}:fence', '{k}:holders']);
      await Promise.all(permits.map((p) => p.release()));
      expect(await s.keyNames()).to.deep.equal(['{k}:fence']);
      await locker.close();
    });

    it('limit: 1 admits one holder at a time, and an exclusive acquire waits for every permit', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const only = await locker.acquire('one', { limit: 1 });
      expect(await locker.tryAcquire('one', { limit: 1 })).to.equal(null);
      expect(await locker.tryAcquire('one')).to.equal(null);
      await only.release();
      const exclusive = await locker.acquire('one');
      expect(await locker.tryAcquire('one', { limit: 1 })).to.equal(null);
      await exclusive.release();
      await locker.close();
    });

    it('rejects another limit while permits are held with LockModeError (ERR_LOCK_MODE), leaving nothing of the attempt', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const held = await locker.acquire('m', { limit: 3 });
      for (const options of [{ limit: 2 }, { limit: 4 }, { shared: true }]) {
        const error = await locker.acquire('m', options).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(LockModeError).and.instanceOf(LockConfigError);
        expect((error as LockModeError).code).to.equal('ERR_LOCK_MODE');
        expect((error as LockModeError).held).to.equal('{ limit: 3 }');
      }
      await expect(locker.tryAcquire('m', { limit: 1 })).to.be.rejectedWith(LockModeError);
      expect(await s.keyNames()).to.deep.equal(['{m}', '{m}:fence', '{m}:holders']);
      await held.release();
      // Once the last permit is gone, the key takes a new limit.
      await (await locker.acquire('m', { limit: 2 })).release();
      await locker.close();
    });

    it('refuses bad limits and shared with limit at option resolution, before any command', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      for (const limit of [0, -1, 1.5, Number.NaN, '4', 1_000_001]) {
        await expect(locker.acquire('bad', { limit: limit as number })).to.be.rejectedWith(
          LockConfigError,
          /"limit" must be an integer from 1 to 1000000/,
        );
      }
      await expect(locker.acquire('bad', { limit: 2, shared: true })).to.be.rejectedWith(
        LockConfigError,
        /cannot be combined/,
      );
      await expect(locker.tryAcquire('bad', { limit: 2, shared: true })).to.be.rejectedWith(LockConfigError);
      await expect(locker.using('bad', () => 1, { limit: 2, shared: true })).to.be.rejectedWith(
        LockConfigError,
      );
      await expect(locker.acquire('bad', { shared: 'yes' as unknown as boolean })).to.be.rejectedWith(
        LockConfigError,
        /"shared" must be a boolean/,
      );
      expect(await s.keyNames()).to.deep.equal([]);
      await locker.close();
    });

    it('frees the permit of a holder that crashed when its lease ends; the waiter gets it', async function () {
      const steady = createLocker(backend().client(), { prefix: s.prefix, ttl: 10_000 });
      const client = backend().client();
      const dying = createLocker(client, { prefix: s.prefix, ttl: 300 });
      const survivor = createLocker(backend().client(), { prefix: s.prefix });
      const alive = await steady.acquire('c', { limit: 2 });
      const dead = await dying.acquire('c', { limit: 2 });
      backend().drop(client); // no release, no renewal: the holder is gone
      // The only permit that can free is the dead holder's, when its lease ends.
      const lock = await survivor.acquire('c', { limit: 2, wait: 10_000 });
      expect(await s.holders('c')).to.have.members([alive.token, lock.token]);
      expect(lock.fence).to.be.greaterThan(dead.fence);
      await Promise.all([lock.release(), alive.release()]);
      await Promise.all([steady.close(), dying.close(), survivor.close()]);
    });

    it('a waiter that died blocks the queue only until its entry expires', async function () {
      const holderLocker = createLocker(backend().client(), { prefix: s.prefix });
      const client = backend().client();
      const dying = createLocker(client, { prefix: s.prefix });
      const live = createLocker(backend().client(), { prefix: s.prefix });
      const holder = await holderLocker.acquire('w', { limit: 1 });
      let doomedOutcome: unknown;
      const doomed = dying.acquire('w', { limit: 1, wait: 60_000 }).then(
        (lock) => (doomedOutcome = lock),
        (error: unknown) => (doomedOutcome = error),
      );
      await s.queued('w', 1);
      const [doomedToken] = await s.admin.zrange(`${s.prefix}:{w}:queue`, 0, 0);
      backend().drop(client);
      // What the dead waiter believes at the moment the live one is granted.
      const waiting = live
        .acquire('w', { limit: 1, wait: 10_000 })
        .then((lock) => ({ lock, doomedHolds: (doomedOutcome as Partial<Lock> | undefined)?.held === true }));
      await s.queued('w', 2);
      await holder.release();
      // The release handed the permit to the dead waiter, whose entry accepted hand-overs: it holds the permit
      // provisionally, for the lifetime of a queue entry, and nobody renews it. (On a loaded machine its entry can
      // have expired before the release, which then hands the permit to the live waiter at once.)
      const afterRelease = await s.holders('w');
      const { lock, doomedHolds } = await waiting;
      expect([[doomedToken], [lock.token]], 'holder after the release').to.deep.include(afterRelease);
      // Its command connection is gone: its next heartbeat fails, or (its subscriber still up) it takes the
      // hand-over, cannot renew it and is told lost; it never believes it holds once the live waiter does.
      expect(doomedHolds, 'the dead waiter believes it holds beside the live one').to.equal(false);
      await doomed;
      expect(await s.admin.zcard(`${s.prefix}:{w}:queue`)).to.equal(0);
      await lock.release();
      await Promise.all([holderLocker.close(), dying.close(), live.close()]);
    });

    it('timeout and abort leave nothing of the waiter in Redis', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const held = await locker.acquire('t', { limit: 1 });
      await expect(locker.acquire('t', { limit: 1, wait: 150 })).to.be.rejectedWith(LockBusyError);
      const controller = new AbortController();
      const reason = new Error('gone');
      const waiting = locker.acquire('t', { limit: 1, signal: controller.signal });
      await s.queued('t', 1);
      controller.abort(reason);
      await expect(waiting).to.be.rejectedWith(reason);
      expect(await s.keyNames()).to.deep.equal(['{t}', '{t}:fence', '{t}:holders']);
      expect(await s.holders('t')).to.deep.equal([held.token]);
      await held.release();
      expect(await s.keyNames()).to.deep.equal(['{t}:fence']);
      await locker.close();
    });

    it('serves permit and exclusive waiters in arrival order: a waiting exclusive request is not passed', async function () {
      const { all, close } = s.lockers(4);
      const [a, b, c, d] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0], (typeof all)[0]];
      const first = await a.acquire('f', { limit: 2 });
      const second = await a.acquire('f', { limit: 2 });
      const { order, track } = grantOrder();
      const p3 = track('p3', b.acquire('f', { limit: 2 }));
      await s.queued('f', 1);
      const x = track('x', c.acquire('f'));
      await s.queued('f', 2);
      const p4 = track('p4', d.acquire('f', { limit: 2 }));
      await s.queued('f', 3);
      await first.release();
      const third = await p3;
      await second.release();
      // One permit is free, but x waits first: newcomers (and p4) wait behind it.
      expect(await a.tryAcquire('f', { limit: 2 })).to.equal(null);
      await third.release();
      const exclusive = await x;
      await exclusive.release();
      const fourth = await p4;
      expect(order).to.deep.equal(['p3', 'x', 'p4']);
      expect(fourth.fence).to.be.greaterThan(exclusive.fence);
      expect(exclusive.fence).to.be.greaterThan(third.fence);
      await fourth.release();
      await close();
    });

    it('a release hands the freed permit to exactly the next permit waiter: one freed permit, one waiter told', async function () {
      const { all, close } = s.lockers(3);
      const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
      const heard = await listen(backend().connect(), `${s.prefix}:{e}:wake*`);
      const held = [await a.acquire('e', { limit: 2 }), await a.acquire('e', { limit: 2 })];
      const p3 = b.acquire('e', { limit: 2 });
      await s.queued('e', 1);
      const p4 = c.acquire('e', { limit: 2 });
      await s.queued('e', 2);
      await held[0]?.release();
      const third = await p3;
      await waitUntil(() => heard.messages.length >= 1, { description: 'the first hand-over heard' });
      await held[1]?.release();
      const fourth = await p4;
      await waitUntil(() => heard.messages.length >= 2, { description: 'the second hand-over heard' });
      // Each release granted the freed permit to the next waiter only, and told it on its locker's channel only,
      // with a fence (see modeRelease.ts). The waiter holds it with that fence, or with a later one when its
      // retry after a fresh subscription was in flight and found the permit its own.
      const told = heard.messages.map((message) => message.split(':'));
      expect(told.map(([token]) => token)).to.deep.equal([third.token, fourth.token]);
      const [toThird, toFourth] = told.map(([, fence]) => Number(fence)) as [number, number];
      expect(toThird).to.be.within((held[1]?.fence ?? 0) + 1, third.fence);
      expect(toFourth).to.be.within(toThird + 1, fourth.fence);
      await Promise.all([third.release(), fourth.release()]);
      heard.close();
      await close();
    });

    it('extends, renews and releases a permit; a lost permit refuses extend', async function () {
      // ttl 3 s: ioredis-mock's TIME is off by up to a second, and the holders' deadlines are on that clock.
      const locker = createLocker(backend().client(), { prefix: s.prefix, ttl: 3_000 });
      const permit = await locker.acquire('x', { limit: 3 });
      await renewals(locker, 2);
      expect(permit.held).to.equal(true);
      await permit.extend(20_000);
      expect(permit.remaining()).to.be.greaterThan(10_000);
      expect(await s.admin.pttl(`${s.prefix}:{x}`)).to.be.greaterThan(10_000);
      expect(await s.admin.pttl(lockKeys(s.prefix, 'x').holders)).to.be.greaterThan(10_000);
      expect(await permit.release()).to.equal(true);
      expect(await permit.release()).to.equal(false);
      const short = createLocker(backend().client(), { prefix: s.prefix, ttl: 100, renew: false });
      const lapsing = await short.acquire('x', { limit: 3 });
      await aborted(lapsing.signal);
      await expect(lapsing.extend()).to.be.rejectedWith(LockLostError);
      await waitUntil(async () => !(await s.holders('x')).includes(lapsing.token), {
        description: 'the lapsed permit gone from the holders',
      });
      expect(await lapsing.release()).to.equal(false);
      await Promise.all([locker.close(), short.close()]);
    });

    it('fences strictly increase across permits, exclusive and read grants of a key', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const fences: number[] = [];
      const grant = async (options?: { limit?: number; shared?: boolean }): Promise<Lock> => {
        const lock = await locker.acquire('fence', options);
        fences.push(lock.fence);
        return lock;
      };
      const permits = [await grant({ limit: 3 }), await grant({ limit: 3 }), await grant({ limit: 3 })];
      await Promise.all(permits.map((p) => p.release()));
      await (await grant()).release();
      const reads = [await grant({ shared: true }), await grant({ shared: true })];
      await Promise.all(reads.map((r) => r.release()));
      await (await grant({ limit: 1 })).release();
      for (let i = 1; i < fences.length; i++) expect(fences[i]).to.be.greaterThan(fences[i - 1] ?? Infinity);
      await locker.close();
    });

    it('fair: false looks at the holders only: it takes a free permit past a waiter; fair mode does not', async function () {
      const fair = createLocker(backend().client(), { prefix: s.prefix });
      const unfair = createLocker(backend().client(), { prefix: s.prefix, fair: false });
      const held = await fair.acquire('u', { limit: 2 });
      // A live waiter ahead (its entry as a waiting acquire writes it), with one of the two permits free.
      const { queue, queueExpiry } = lockKeys(s.prefix, 'u');
      const [seconds] = await s.admin.time();
      await s.admin.zadd(queue, 1, 'waiter.token~2');
      await s.admin.zadd(queueExpiry, (Number(seconds) + 60) * 1000, 'waiter.token~2');
      expect(await fair.tryAcquire('u', { limit: 2 })).to.equal(null);
      const passer = await unfair.tryAcquire('u', { limit: 2 });
      expect(passer).to.not.equal(null);
      expect(await unfair.tryAcquire('u', { limit: 2 }), 'still at most 2').to.equal(null);
      await Promise.all([held.release(), passer?.release()]);
      await s.admin.del(queue, queueExpiry);
      expect(await s.keyNames()).to.deep.equal(['{u}:fence']);
      await Promise.all([fair.close(), unfair.close()]);
    });

    it('a multi-key permit is granted on every key or none', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const both = await locker.acquire(['m1', 'm2'], { limit: 1 });
      const blocker = await locker.tryAcquire(['m2', 'm3'], { limit: 1 });
      expect(blocker).to.equal(null);
      expect(await s.holders('m3')).to.deep.equal([]);
      await both.release();
      const next = await locker.acquire(['m2', 'm3'], { limit: 1 });
      expect(next.fence).to.be.greaterThan(both.fence);
      await next.release();
      await locker.close();
    });
  });
});
