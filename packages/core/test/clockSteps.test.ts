import type { Cluster, Redis } from 'ioredis';
import { RedisMasters, RedisServer, useRedisCluster, waitUntil } from '@deadbolt/testing';
import {
  createLocker,
  LockBusyError,
  LockLostError,
  lockKeys,
  type Lock,
  type Locker,
} from '../src/index.js';
import { fenceTtl } from '../src/lease/fenceCounter.js';
import { HEARTBEAT_MS, QUEUE_ENTRY_MS } from '../src/acquire/queueTiming.js';
import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { bringBack, expect } from './quorumHelpers.js';

// Clock steps on a Redis server (docs/operations.md "Clock steps"): the server's wall clock jumps forward or back,
// as under an NTP step or a `date -s`, while locks are held. Each server runs with a clock the test steps
// (`RedisServer.start({ clock: true })`); the test process's own clock does not move.

const MINUTE = 60_000;
/** A fence counter's lifetime for the ttls below (`max(2 × ttl, 60 s)`). */
const COUNTER_LIFE = fenceTtl(6_000);

/** The reason `lock.signal` aborts with, once it does. */
function lossOf(lock: Lock): Promise<unknown> {
  if (lock.signal.aborted) return Promise.resolve(lock.signal.reason);
  return new Promise((resolve) => lock.signal.addEventListener('abort', () => resolve(lock.signal.reason)));
}

/**
 * A lease held by `holder` ends early on its server after a forward step past its ttl: `contender` acquires at once
 * while the holder, not told yet, still trusts its lock; the holder's next renewal finds the lease taken and the
 * holder's signal aborts with `LockLostError` of reason `stolen`.
 */
async function forwardStepSteals(
  holder: Locker,
  contender: Locker,
  key: string,
  step: () => void,
): Promise<void> {
  const held = await holder.acquire(key);
  step();
  const taken = await contender.acquire(key, { wait: 0 });
  expect(held.held && !held.signal.aborted, 'the holder is not told at the step').to.equal(true);
  expect(taken.fence).to.be.greaterThan(held.fence);
  const reason = await lossOf(held);
  expect(reason).to.be.instanceOf(LockLostError).and.to.have.property('reason', 'stolen');
  expect(await taken.release()).to.equal(true);
}

/**
 * The fence a key gets after `back` ms of backward step on `server`, once the counter written after the step has
 * expired: grant, step back, grant and renew (the renewal sets the counter's expiry on the stepped clock), release,
 * then let the counter's lifetime pass on the server (a forward step of that lifetime + 1 s stands in for the
 * wait), check the counter is gone and grant again. Returns the first and the last fence.
 */
async function fenceAfterCounterExpiry(
  locker: Locker,
  admin: Redis | Cluster,
  server: RedisServer,
  key: string,
  back: number,
): Promise<{ before: number; after: number }> {
  const first = await locker.acquire(key, { wait: 0, renew: false });
  await first.release();
  server.clock.step(-back);
  const second = await locker.acquire(key, { wait: 0, renew: false });
  expect(second.fence, 'the live counter keeps counting across the step').to.equal(first.fence + 1);
  await second.extend();
  await second.release();
  server.clock.step(COUNTER_LIFE + 1_000);
  const { fence } = lockKeys('deadbolt', key);
  await waitUntil(async () => (await admin.exists(fence)) === 0, {
    description: 'the fence counter to expire',
  });
  const third = await locker.acquire(key, { wait: 0, renew: false });
  await third.release();
  return { before: first.fence, after: third.fence };
}

describe('clock steps on a Redis server', function () {
  this.timeout(60_000);

  describe('single master', function () {
    let server: RedisServer;
    let admin: Redis;
    before(async () => {
      server = await RedisServer.start({ clock: true });
      admin = server.client();
    });
    afterEach(async () => {
      server.clock.setOffset(0);
      await admin.flushall();
    });
    after(() => server.stop());

    it('a forward step past the ttl ends the lease early: another client acquires, the holder learns it at its next renewal', async () => {
      const holder = createLocker(server.client(), { ttl: 6_000 });
      const contender = createLocker(server.client(), { ttl: 6_000 });
      await forwardStepSteals(holder, contender, 'forward', () => server.clock.step(7_000));
      await Promise.all([holder.close(), contender.close()]);
    });

    it('a backward step lengthens the lease on the server by the step; the holder keeps renewing', async () => {
      const locker = createLocker(server.client(), { ttl: 6_000 });
      const lock = await locker.acquire('backward', { renew: false });
      server.clock.step(-MINUTE);
      const { lease } = lockKeys('deadbolt', 'backward');
      // An abandoned lease would now block the key for up to ttl + the step.
      expect(await admin.pttl(lease)).to.be.within(MINUTE, MINUTE + 6_000);
      await expect(locker.acquire('backward', { wait: 0 })).to.be.rejectedWith(LockBusyError);
      await lock.extend();
      expect(await admin.pttl(lease)).to.be.within(5_000, 6_000);
      expect(await lock.release()).to.equal(true);
      await locker.close();
    });

    for (const [mode, options] of [
      ['mutex', {}],
      ['semaphore', { limit: 1 }],
    ] as const) {
      it(`a backward step does not prolong the queue place of a waiter that died (${mode}): the free key is granted within ${QUEUE_ENTRY_MS} ms + a heartbeat`, async () => {
        const key = `dead-waiter-${mode}`;
        const holder = createLocker(server.client(), { ttl: 6_000 });
        const waiterClient = server.client();
        const waiter = createLocker(waiterClient, { ttl: 6_000 });
        const contender = createLocker(server.client(), { ttl: 6_000 });
        const lock = await holder.acquire(key, options);
        // A waiter that takes no hand-over (renew: false) queues, then its process dies.
        const waiting = waiter
          .acquire(key, { ...options, renew: false, wait: 30_000 })
          .catch(() => undefined);
        const { queue } = lockKeys('deadbolt', key);
        await waitUntil(async () => (await admin.zcard(queue)) === 1, { description: 'the waiter to queue' });
        waiterClient.disconnect();
        await waiting;
        server.clock.step(-10 * MINUTE);
        await lock.release();
        // Without the cut, the dead waiter's place would block fair acquirers for the 10 minutes of the step too.
        await waitUntil(
          async () => (await contender.tryAcquire(key, options))?.release().then(() => true) ?? false,
          {
            timeoutMs: QUEUE_ENTRY_MS + HEARTBEAT_MS + 2_000,
            intervalMs: 100,
            description: 'the contender to be granted the free key',
          },
        );
        await Promise.all([holder.close(), waiter.close(), contender.close()]);
      });
    }

    it('fences keep increasing across a backward step of 10 minutes while the fence counter lives', async () => {
      const locker = createLocker(server.client(), { ttl: 6_000 });
      const first = await locker.acquire('counting', { wait: 0 });
      await first.release();
      server.clock.step(-10 * MINUTE);
      let last = first.fence;
      for (let i = 0; i < 3; i++) {
        const next = await locker.acquire('counting', { wait: 0 });
        await next.extend();
        expect(next.fence).to.be.greaterThan(last);
        last = next.fence;
        await next.release();
      }
      await locker.close();
    });

    it('the bound: a counter that expires after a backward step restarts above earlier fences only if the step was shorter than its lifetime', async () => {
      const locker = createLocker(server.client(), { ttl: 6_000 });
      const shorter = await fenceAfterCounterExpiry(
        locker,
        admin,
        server,
        'short-step',
        COUNTER_LIFE - 10_000,
      );
      expect(shorter.after, 'a step 10 s shorter than the counter lifetime').to.be.greaterThan(
        shorter.before,
      );
      server.clock.setOffset(0);
      const longer = await fenceAfterCounterExpiry(locker, admin, server, 'long-step', COUNTER_LIFE + MINUTE);
      expect(longer.after, 'a step a minute longer than the counter lifetime: fences go back').to.be.lessThan(
        longer.before,
      );
      await locker.close();
    });
  });

  describe('quorum (3 masters)', function () {
    let masters: RedisMasters;
    let admin: Redis[];
    before(async () => {
      masters = await RedisMasters.start(3, { clock: true });
      admin = masters.clients();
    });
    afterEach(async () => {
      await bringBack(masters.servers, admin);
      for (const server of masters.servers) server.clock.setOffset(0);
      await Promise.all(admin.map((client) => client.flushall()));
    });
    after(() => masters.stop());

    it('a forward step past the ttl on one master keeps the exclusion of a holder granted on all three; on two of three it breaks it', async () => {
      const holder = createLocker(masters.clients(), { ttl: 6_000 });
      const contender = createLocker(masters.clients(), { ttl: 6_000 });
      const lock = await holder.acquire('quorum-forward', { renew: false });
      const { lease } = lockKeys('deadbolt', 'quorum-forward');
      // Granted on all three (the acquire returns once a majority granted): one master's lease is then a spare.
      await waitUntil(
        async () => (await Promise.all(admin.map((c) => c.get(lease)))).every((v) => v === lock.token),
        {
          description: 'the holder granted on every master',
        },
      );
      masters.servers[0]!.clock.step(7_000);
      await expect(contender.acquire('quorum-forward', { wait: 0 })).to.be.rejectedWith(LockBusyError);
      await lock.extend();
      expect(lock.held).to.equal(true);
      masters.servers[1]!.clock.step(7_000);
      const taken = await contender.acquire('quorum-forward', { wait: 0 });
      expect(lock.held && taken.held, 'both trust the lock: exclusion is broken').to.equal(true);
      await expect(lock.extend()).to.be.rejectedWith(LockLostError);
      await taken.release();
      await Promise.all([holder.close(), contender.close()]);
    });

    it('a holder granted on only two of three masters (one was down) loses exclusion to a forward step on one of them', async () => {
      const holderClients = masters.clients();
      const holder = createLocker(holderClients, { ttl: 6_000 });
      await masters.servers[2]!.kill();
      const lock = await holder.acquire('quorum-two', { renew: false });
      // The acquire's command to the dead master waits in ioredis's offline queue and would reach the restarted
      // master (granted on three after all): dropping that connection drops it.
      holderClients[2]!.disconnect();
      await bringBack(masters.servers, admin);
      // Made after the restart: a client connected before it would still be reconnecting to the third master
      // (ioredis's retry backoff), and with wait 0 that master's refusal would read as busy.
      const contender = createLocker(masters.clients(), { ttl: 6_000 });
      masters.servers[0]!.clock.step(7_000);
      const taken = await contender.acquire('quorum-two', { wait: 0 });
      expect(lock.held && taken.held, 'both trust the lock: exclusion is broken').to.equal(true);
      await taken.release();
      await Promise.all([holder.close(), contender.close()]);
    });

    it('with the counters gone, fences still increase when one master stepped back; not when a majority did', async () => {
      const locker = createLocker(masters.clients(), { ttl: 6_000 });
      const grantWith = async (stepped: number[], paused: number): Promise<number> => {
        for (const index of stepped) masters.servers[index]!.clock.step(-10 * MINUTE);
        // The counters are gone everywhere (as after they expire, or a restart without persistence) and the
        // majority must include the stepped masters.
        await Promise.all(admin.map((client) => client.del(lockKeys('deadbolt', 'quorum-fence').fence)));
        masters.servers[paused]!.pause();
        const lock = await locker.acquire('quorum-fence', { wait: 0, renew: false });
        await lock.release();
        await bringBack(masters.servers, admin);
        return lock.fence;
      };
      const start = await locker.acquire('quorum-fence', { wait: 0 });
      await start.release();
      const oneStepped = await grantWith([0], 1);
      expect(
        oneStepped,
        'the majority has an unstepped master: its clock floors the fence',
      ).to.be.greaterThan(start.fence);
      for (const server of masters.servers) server.clock.setOffset(0);
      const majorityStepped = await grantWith([0, 1], 2);
      expect(majorityStepped, 'every granting master stepped back: fences go back').to.be.lessThan(
        start.fence,
      );
      await locker.close();
    });
  });

  describe('Cluster (3 masters)', function () {
    const redis = useRedisCluster({ masters: 3, clock: true });
    afterEach(() => {
      for (const server of redis.cluster.servers) server.clock.setOffset(0);
    });

    const slotMasterOf = (key: string): Promise<RedisServer> =>
      redis.cluster.slotOwner(clusterSlot(lockKeys('deadbolt', key).lease));

    it("a forward step past the ttl on the key's slot master ends the lease early, as on a single master", async () => {
      const holder = createLocker(redis.cluster.client(), { ttl: 6_000 });
      const contender = createLocker(redis.cluster.client(), { ttl: 6_000 });
      const owner = await slotMasterOf('cluster-forward');
      await forwardStepSteals(holder, contender, 'cluster-forward', () => owner.clock.step(7_000));
      await Promise.all([holder.close(), contender.close()]);
    });

    it('fences keep increasing across a backward step on the slot master while the counter lives; the bound is that of a single master', async () => {
      const locker = createLocker(redis.cluster.client(), { ttl: 6_000 });
      const admin = redis.cluster.client();
      const shorter = await fenceAfterCounterExpiry(
        locker,
        admin,
        await slotMasterOf('cluster-short'),
        'cluster-short',
        COUNTER_LIFE - 10_000,
      );
      expect(shorter.after).to.be.greaterThan(shorter.before);
      for (const server of redis.cluster.servers) server.clock.setOffset(0);
      const longer = await fenceAfterCounterExpiry(
        locker,
        admin,
        await slotMasterOf('cluster-long'),
        'cluster-long',
        COUNTER_LIFE + MINUTE,
      );
      expect(longer.after).to.be.lessThan(longer.before);
      await locker.close();
    });
  });
});
