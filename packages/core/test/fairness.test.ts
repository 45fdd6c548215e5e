import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { createLocker, lockKeys, type Lock } from '@deadbolt/core';
import { HEARTBEAT_MS, QUEUE_ENTRY_MS } from '../src/acquire/queueTiming.js';
import { eachBackend } from './support/backends.js';
import { subscribeByWaiting } from './support/waiting.js';

/** Waits until `count` waiters are queued on `key` (the queue is the order they will be served in). */
async function queued(admin: Redis, prefix: string, key: string, count: number): Promise<void> {
  await waitUntil(async () => (await admin.zcard(lockKeys(prefix, key).queue)) >= count, {
    description: `${count} waiters queued`,
  });
}

/** `connection`, counting the PINGs sent on it (the lock's release may lead with one). */
function pingCounting(connection: Redis): { connection: Redis; pings: () => number } {
  const ping = connection.ping.bind(connection);
  let pings = 0;
  connection.ping = () => {
    pings += 1;
    return ping();
  };
  return { connection, pings: () => pings };
}

describe('fair, event-driven waiting', function () {
  eachBackend((backend) => {
    let admin: Redis;
    before(function () {
      admin = backend().connect();
    });
    after(function () {
      admin.disconnect();
    });

    it('serves waiters in arrival order (property over waiters and hold times)', async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 2, max: 6 }),
          fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 6, maxLength: 6 }),
          async (count, holds) => {
            const prefix = backend().prefix();
            const connections = Array.from({ length: count + 1 }, () => backend().connect());
            const lockers = connections.map((redis) => createLocker(redis, { prefix }));
            const order: number[] = [];
            const holder = await lockers[0]!.acquire('fifo');
            const waiters: Promise<void>[] = [];
            for (let i = 1; i <= count; i++) {
              waiters.push(
                lockers[i]!.using('fifo', async () => {
                  order.push(i);
                  await new Promise((resolve) => setTimeout(resolve, holds[i - 1] ?? 0));
                }),
              );
              await queued(admin, prefix, 'fifo', i);
            }
            await holder.release();
            await Promise.all(waiters);
            expect(order).to.deep.equal(Array.from({ length: count }, (_, i) => i + 1));
            await Promise.all(lockers.map((locker) => locker.close()));
            connections.forEach((redis) => redis.disconnect());
          },
        ),
        { numRuns: 5 },
      );
    });

    it('hands over on release without waiting for a poll: at most 2 attempts per grant on average', async function () {
      const prefix = backend().prefix();
      const connections = Array.from({ length: 4 }, () => backend().connect());
      const lockers = connections.map((redis) => createLocker(redis, { prefix }));
      // Per grant, its attempts less the heartbeats it waited through: a loaded machine makes waits long, and a
      // waiter then also tries at each heartbeat (every HEARTBEAT_MS); the hand-over is about the rest.
      const attempts: number[] = [];
      // Measured in steady state: the first grants include each locker's first wake-up subscription.
      const warmUp = 8;
      let grants = 0;
      lockers.forEach((locker) =>
        locker.on('acquired', (info) => {
          if (grants >= warmUp) attempts.push(info.attempts - Math.floor(info.waited / HEARTBEAT_MS));
        }),
      );
      await Promise.all(
        lockers.map(async (locker) => {
          while (grants < warmUp + 100) {
            await locker.using('contended', async () => {
              grants++;
              await new Promise((resolve) => setImmediate(resolve));
            });
          }
        }),
      );
      const average = attempts.reduce((a, b) => a + b, 0) / attempts.length;
      expect(attempts.length).to.be.at.least(100);
      expect(average, `attempts per grant, heartbeats aside: ${average}`).to.be.at.most(2);
      await Promise.all(lockers.map((locker) => locker.close()));
      connections.forEach((redis) => redis.disconnect());
    });

    it('a release wakes only the locker whose waiter is next, on that locker’s channel of the key', async function () {
      const prefix = backend().prefix();
      const { channel } = lockKeys(prefix, 'targeted');
      const [holderLocker, first, second] = [0, 1, 2].map(() =>
        createLocker(backend().connect(), { prefix }),
      );
      const listener = backend().connect();
      const heard: string[] = [];
      listener.on('pmessage', (_pattern: string, to: string, message: string) =>
        heard.push(`${to} ${message}`),
      );
      await listener.psubscribe(`${channel}*`);
      const holder = await holderLocker!.acquire('targeted');
      const firstWaits = first!.acquire('targeted');
      await queued(admin, prefix, 'targeted', 1);
      const secondWaits = second!.acquire('targeted');
      await queued(admin, prefix, 'targeted', 2);
      await holder.release();
      const firstLock = await firstWaits;
      await firstLock.release();
      const secondLock = await secondWaits;
      await waitUntil(() => heard.length >= 2, { description: 'both hand-overs heard' });
      // Each release handed the lock to the head (`token:fence`) and told only that waiter's locker, on its own
      // channel of the key: nothing on the shared channel, nothing for the other waiting locker.
      const heardBy = (lock: Lock): RegExp =>
        new RegExp(`^${channel}:${lock.token.slice(0, lock.token.indexOf('.'))} ${lock.token}:\\d+$`);
      expect(heard).to.have.length(2);
      expect(heard[0]).to.match(heardBy(firstLock));
      expect(heard[1]).to.match(heardBy(secondLock));
      await secondLock.release();
      listener.disconnect();
      await Promise.all([holderLocker!.close(), first!.close(), second!.close()]);
    });

    /** One release while `waiterLocker` waits on `key` (its channel already subscribed): the waiter's lock and attempts. */
    async function waitThroughRelease(
      prefix: string,
      key: string,
      waiterLocker: ReturnType<typeof createLocker>,
    ): Promise<{ holder: Lock; lock: Lock; attempts: number; close: () => Promise<void> }> {
      const holderLocker = createLocker(backend().connect(), { prefix });
      await subscribeByWaiting(admin, prefix, key, holderLocker, waiterLocker);
      const holder = await holderLocker.acquire(key);
      let attempts = 0;
      waiterLocker.on('acquired', (info) => (attempts = info.attempts));
      const waiting = waiterLocker.acquire(key);
      await queued(admin, prefix, key, 1);
      await holder.release();
      const lock = await waiting;
      const close = async (): Promise<void> => {
        await Promise.all([holderLocker.close(), waiterLocker.close()]);
      };
      return { holder, lock, attempts, close };
    }

    it('a release hands the lock to the waiting head: granted without another attempt, then renewed to its ttl', async function () {
      const prefix = backend().prefix();
      const waiterLocker = createLocker(backend().connect(), { prefix, ttl: 5_000 });
      const { holder, lock, attempts, close } = await waitThroughRelease(prefix, 'hand-over', waiterLocker);
      expect(attempts, 'attempts of the waiter').to.equal(1);
      expect(lock.fence).to.be.greaterThan(holder.fence);
      expect(await admin.get(lockKeys(prefix, 'hand-over').lease)).to.equal(lock.token);
      // The provisional lease: trusted for at most QUEUE_ENTRY_MS until the first renewal extends it to the ttl.
      expect(lock.remaining()).to.be.at.most(QUEUE_ENTRY_MS);
      await new Promise((resolve) => waiterLocker.once('extended', resolve));
      expect(lock.remaining()).to.be.greaterThan(QUEUE_ENTRY_MS);
      expect(await admin.pttl(lockKeys(prefix, 'hand-over').lease)).to.be.greaterThan(QUEUE_ENTRY_MS);
      expect(await lock.release()).to.equal(true);
      await close();
    });

    it('a release hands the lock to a waiter of its own locker in the reply: nothing published, the waiter runs first', async function () {
      const prefix = backend().prefix();
      const { channel } = lockKeys(prefix, 'local');
      const locker = createLocker(backend().connect(), { prefix });
      const other = createLocker(backend().connect(), { prefix });
      const listener = backend().connect();
      const heard: string[] = [];
      listener.on('pmessage', (_pattern: string, _to: string, message: string) => heard.push(message));
      await listener.psubscribe(`${channel}*`);
      await subscribeByWaiting(admin, prefix, 'local', locker, locker);
      let attempts = 0;
      locker.on('acquired', (info) => (attempts = info.attempts));
      const holder = await locker.acquire('local');
      const order: string[] = [];
      // Released the moment the waiter's refused (and queued) attempt is answered, as it parks: a release that
      // came later than its heartbeat (HEARTBEAT_MS) could meet its next attempt in flight instead, which Redis
      // then grants in a round trip of its own (seen once on a loaded CI machine, with a poll of the queue here).
      const released = new Promise<void>((resolve, reject) => {
        locker.once('waited', () => {
          holder.release().then(() => {
            order.push('release resolved');
            resolve();
          }, reject);
        });
      });
      const waiting = locker.acquire('local').then((lock) => {
        order.push('waiter granted');
        return lock;
      });
      await released;
      const lock = await waiting;
      expect(order).to.deep.equal(['waiter granted', 'release resolved']);
      expect(attempts, 'attempts of the waiter').to.equal(1);
      expect(lock.fence).to.be.greaterThan(holder.fence);
      expect(await admin.get(lockKeys(prefix, 'local').lease)).to.equal(lock.token);
      // A hand-over to another locker's waiter is published; the local one before it was not (one connection
      // delivers messages in order, so it would have come first).
      const remote = other.acquire('local');
      await queued(admin, prefix, 'local', 1);
      await lock.release();
      const remoteLock = await remote;
      await waitUntil(() => heard.length >= 1, { description: 'the remote hand-over heard' });
      expect(heard).to.have.length(1);
      expect(heard[0]?.startsWith(`${remoteLock.token}:`), heard[0]).to.equal(true);
      await remoteLock.release();
      listener.disconnect();
      await Promise.all([locker.close(), other.close()]);
    });

    it('a lock that was waited for releases with a PING ahead (real Redis; none on the mock), and hands over as before', async function () {
      const prefix = backend().prefix();
      const counted = [0, 1, 2].map(() => pingCounting(backend().connect()));
      const [first, holder] = counted;
      const [firstLocker, holderLocker, waiterLocker] = counted.map(({ connection }) =>
        createLocker(connection, { prefix }),
      );
      await subscribeByWaiting(admin, prefix, 'led', firstLocker!, waiterLocker!);
      const pingsArrived = async (): Promise<number> => (await backend().server?.commandStats())?.ping ?? 0;
      // The first holder got the lock at once: its release sends no PING, though a waiter is queued.
      const firstLock = await firstLocker!.acquire('led');
      const holderWaits = holderLocker!.acquire('led');
      await queued(admin, prefix, 'led', 1);
      await firstLock.release();
      expect(first!.pings(), 'PINGs of an uncontended release').to.equal(0);
      // The holder's lock was handed to it after a wait, so its release leads with a PING in the same write: on
      // real Redis, which counts it too; ioredis-mock has no socket to cork, so there it sends none.
      const holderLock = await holderWaits;
      const waiting = waiterLocker!.acquire('led');
      await queued(admin, prefix, 'led', 1);
      const arrived = await pingsArrived();
      await holderLock.release();
      const lock = await waiting;
      const real = backend().name === 'redis';
      expect(holder!.pings(), 'PINGs of a contended release').to.equal(real ? 1 : 0);
      expect(await pingsArrived(), 'PINGs that reached Redis').to.equal(real ? arrived + 1 : 0);
      expect(lock.fence).to.be.greaterThan(holderLock.fence);
      expect(await admin.get(lockKeys(prefix, 'led').lease)).to.equal(lock.token);
      await lock.release();
      await Promise.all([firstLocker!.close(), holderLocker!.close(), waiterLocker!.close()]);
    });

    for (const [why, options] of [
      ['without renewal', { renew: false }],
      ['with a ttl shorter than the provisional lease', { ttl: QUEUE_ENTRY_MS - 500 }],
    ] as const) {
      it(`no hand-over to a waiter ${why}: it is woken and makes its own attempt`, async function () {
        const prefix = backend().prefix();
        const waiterLocker = createLocker(backend().connect(), { prefix, ...options });
        const { lock, attempts, close } = await waitThroughRelease(prefix, 'no-hand-over', waiterLocker);
        expect(attempts, 'attempts of the waiter').to.equal(2);
        // Its own attempt set the lease to its own ttl (a crashed waiter then holds it no longer than that).
        const pttl = await admin.pttl(lockKeys(prefix, 'no-hand-over').lease);
        expect(pttl).to.be.at.most(options.ttl ?? 10_000);
        expect(pttl).to.be.greaterThan(0);
        expect(lock.held).to.equal(true);
        await close();
      });
    }

    it('fair: false waiters are woken on the shared channel and may overtake the queue; fair ones may not', async function () {
      const prefix = backend().prefix();
      const keys = lockKeys(prefix, 'unfair');
      const fairLocker = createLocker(backend().connect(), { prefix });
      const unfairLocker = createLocker(backend().connect(), { prefix, fair: false });
      // The unfair waiter's locker waits once, so the shared channel is subscribed (it lingers): the wait below then
      // pauses on its first refusal instead of retrying at once after a fresh subscription.
      const warmHolder = await fairLocker.acquire('unfair');
      const warming = unfairLocker.acquire('unfair');
      await queued(admin, prefix, 'unfair', 1);
      await warmHolder.release();
      await (await warming).release();
      // Listening from here on: the warm-up's release announced its wake-up on the shared channel too.
      const listener = backend().connect();
      const heard: string[] = [];
      listener.on('message', (channel: string, message: string) => heard.push(`${channel} ${message}`));
      await listener.subscribe(keys.channel);
      const holder = await fairLocker.acquire('unfair');
      // A fair waiter of another process is queued first, and stays at the head (its entry lives 10 entry lives).
      await admin.zadd(keys.queue, 1, 'ahead');
      await admin.zadd(
        keys.queueExpiry,
        Number((await admin.time())[0]) * 1000 + 10 * QUEUE_ENTRY_MS,
        'ahead',
      );
      let attempts = 0;
      let waited = 0;
      unfairLocker.on('acquired', (info) => ({ attempts, waited } = info));
      const waiting = unfairLocker.acquire('unfair');
      await queued(admin, prefix, 'unfair', 2);
      await holder.release();
      const lock = await waiting;
      expect(await admin.zscore(keys.queue, 'ahead'), 'the head it overtook, still queued').to.not.equal(
        null,
      );
      // (The queue lives an entry's life after its waiters' last attempt: keep it for the rest of the test.)
      await admin.pexpire(keys.queue, 10 * QUEUE_ENTRY_MS);
      await admin.pexpire(keys.queueExpiry, 10 * QUEUE_ENTRY_MS);
      // The release woke the head on the shared channel (an untagged token has no channel of its own); the unfair
      // waiter heard it there and took the free lease at its next attempt, past the head.
      await waitUntil(() => heard.length >= 1, { description: 'the wake-up on the shared channel' });
      expect(heard[0]).to.equal(`${keys.channel} ahead`);
      // Its first attempt, and the one after the wake-up (plus one per heartbeat, should a loaded machine make it
      // wait that long).
      expect(attempts, 'attempts of the unfair waiter').to.be.within(
        2,
        2 + Math.floor(waited / HEARTBEAT_MS),
      );
      expect(await admin.get(keys.lease)).to.equal(lock.token);
      await lock.release();
      // With the lease free and the head still queued, a fair acquire waits its turn; an unfair one takes it.
      expect(await fairLocker.tryAcquire('unfair'), 'a fair acquire behind the head').to.equal(null);
      const overtaking = await unfairLocker.tryAcquire('unfair');
      expect(overtaking, 'an unfair acquire behind the head').to.not.equal(null);
      await overtaking?.release();
      listener.disconnect();
      await Promise.all([fairLocker.close(), unfairLocker.close()]);
    });

    it('recovers a dropped wake-up message with the fallback poll', async function () {
      const prefix = backend().prefix();
      const deaf = backend().connect();
      // A subscriber connection that subscribes but never delivers a message.
      const withoutMessages = Object.assign(Object.create(deaf) as Redis, {
        duplicate: () => ({
          subscribe: () => Promise.resolve(),
          unsubscribe: () => Promise.resolve(),
          on: () => {},
          disconnect: () => {},
        }),
      });
      const waiterLocker = createLocker(withoutMessages, { prefix });
      const holderLocker = createLocker(backend().connect(), { prefix });
      const holder = await holderLocker.acquire('lost-wakeup');
      const waiting = waiterLocker.acquire('lost-wakeup', { wait: 10_000 });
      await queued(admin, prefix, 'lost-wakeup', 1);
      await holder.release();
      const lock = await waiting;
      expect(lock.held).to.equal(true);
      await Promise.all([waiterLocker.close(), holderLocker.close()]);
      deaf.disconnect();
    });

    for (const handOver of [false, true]) {
      it(`a waiter that died while queued blocks the queue no longer than its entry lives${handOver ? ' (also when the release hands it the lock)' : ''}`, async function () {
        const prefix = backend().prefix();
        const holderLocker = createLocker(backend().connect(), { prefix });
        const holder = await holderLocker.acquire('dead-waiter');
        const keys = lockKeys(prefix, 'dead-waiter');
        // A waiter that died while queued: its entry stays until it expires. Marked (.5), it accepts a hand-over,
        // and the release gives the dead waiter a provisional lease of QUEUE_ENTRY_MS. That entry outlives any
        // delay before the release (so the release does hand over): the provisional lease is the bound then.
        await admin.zadd(keys.queue, 1, 'dead');
        const entryLife = handOver ? 10 * QUEUE_ENTRY_MS : QUEUE_ENTRY_MS;
        const expiresAt = Number((await admin.time())[0]) * 1000 + entryLife + (handOver ? 0.5 : 0);
        await admin.zadd(keys.queueExpiry, expiresAt, 'dead');
        await admin.pexpire(keys.queue, entryLife);
        await admin.pexpire(keys.queueExpiry, entryLife);
        const live = createLocker(backend().connect(), { prefix });
        const waiting = live.acquire('dead-waiter', { wait: QUEUE_ENTRY_MS + 2 * HEARTBEAT_MS + 2_000 });
        await queued(admin, prefix, 'dead-waiter', 2);
        await holder.release();
        const released = performance.now();
        if (handOver)
          expect(await admin.get(keys.lease), 'the lease handed to the dead waiter').to.equal('dead');
        const lock: Lock = await waiting; // a LockBusyError here would mean the dead entry blocked past the bound
        const delay = performance.now() - released;
        expect(lock.held).to.equal(true);
        // Measured from the release: the dead entry's (or its provisional lease's) remaining life plus one heartbeat
        // of the live waiter (README: 1.9 s), with 1 s to spare for a loaded machine.
        expect(delay, 'delay from the release to the grant, ms').to.be.at.most(
          QUEUE_ENTRY_MS + HEARTBEAT_MS + 1_000,
        );
        expect(lock.fence).to.be.greaterThan(holder.fence);
        expect(await admin.zscore(keys.queue, 'dead')).to.equal(null);
        await Promise.all([holderLocker.close(), live.close()]);
      });
    }
  });
});
