import { waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import fc from 'fast-check';
import { createLocker, LockBusyError, LockLostError, lockKeys, type Lock } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';
import { deferred } from './support/deferred.js';
import { listen, suiteState, aborted, grantOrder, renewals, keyNames, lockers } from './support/modes.js';

use(chaiAsPromised);

describe('read-write locks: acquire(key, { shared: true })', function () {
  eachBackend((backend) => {
    const s = suiteState(backend);

    it('grants readers together and a writer alone', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const readers = await Promise.all([1, 2, 3].map(() => locker.acquire('doc', { shared: true })));
      expect(await s.holders('doc')).to.have.members(readers.map((r) => r.token));
      expect(await locker.tryAcquire('doc')).to.equal(null);
      await Promise.all(readers.map((r) => r.release()));
      const writer = await locker.acquire('doc');
      expect(await locker.tryAcquire('doc', { shared: true })).to.equal(null);
      expect(await locker.tryAcquire('doc')).to.equal(null);
      await writer.release();
      expect(await s.keyNames()).to.deep.equal(['{doc}:fence']);
      await locker.close();
    });

    it('never lets a writer hold beside anyone, under concurrent mixed modes (property over clients and modes)', async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.boolean(), { minLength: 2, maxLength: 7 }),
          fc.integer({ min: 1, max: 3 }),
          async (shared, rounds) => {
            const keyPrefix = backend().prefix();
            const { all, close } = lockers(backend(), keyPrefix, shared.length);
            let readers = 0;
            let writers = 0;
            const violations: string[] = [];
            const fences: number[] = [];
            await Promise.all(
              all.map(async (locker, index) => {
                for (let round = 0; round < rounds; round++) {
                  const mode = shared[index] ? { shared: true } : {};
                  await locker.using(
                    'prop',
                    async (lock) => {
                      fences.push(lock.fence);
                      if (shared[index]) readers += 1;
                      else writers += 1;
                      if (writers > 1 || (writers === 1 && readers > 0))
                        violations.push(`${writers} writers beside ${readers} readers`);
                      await new Promise((resolve) => setImmediate(resolve));
                      if (shared[index]) readers -= 1;
                      else writers -= 1;
                    },
                    mode,
                  );
                }
              }),
            );
            expect(violations).to.deep.equal([]);
            expect(new Set(fences).size, 'fences are distinct').to.equal(fences.length);
            expect(await keyNames(backend(), keyPrefix)).to.deep.equal(['{prop}:fence']);
            await close();
          },
        ),
        { numRuns: 8 },
      );
    });

    it('grants consecutive readers at the head together when the writer releases', async function () {
      const { all, close } = s.lockers(4);
      const [w, ...readers] = all as [(typeof all)[0], ...(typeof all)[0][]];
      const heard = await listen(backend().connect(), `${lockKeys(s.prefix, 'r').channel}*`);
      const writer = await w.acquire('r');
      const waiting: Promise<Lock>[] = [];
      for (const [index, locker] of readers.entries()) {
        waiting.push(locker.acquire('r', { shared: true }));
        await s.queued('r', index + 1);
      }
      await writer.release();
      // All three hold it at once: none is released before every one is granted.
      const granted = await Promise.all(waiting);
      expect(await s.holders('r')).to.have.members(granted.map((r) => r.token));
      for (const reader of granted) expect(reader.fence).to.be.greaterThan(writer.fence);
      // Woken, not polled: the first reader granted (the lowest fence) woke every reader still queued behind it.
      const [, ...behind] = [...granted].sort((a, b) => a.fence - b.fence);
      await waitUntil(() => behind.every((reader) => heard.messages.includes(reader.token)), {
        description: 'a wake-up for every reader behind the first',
      });
      await Promise.all(granted.map((r) => r.release()));
      heard.close();
      await close();
    });

    it('does not starve a writer: a waiting writer blocks later readers', async function () {
      const { all, close } = s.lockers(3);
      const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
      const reader = await a.acquire('s', { shared: true });
      const { order, track } = grantOrder();
      const writer = track('writer', b.acquire('s'));
      await s.queued('s', 1);
      expect(await a.tryAcquire('s', { shared: true }), 'a reader may not pass the waiting writer').to.equal(
        null,
      );
      const lateReader = track('late reader', c.acquire('s', { shared: true }));
      await s.queued('s', 2);
      await reader.release();
      const held = await writer;
      await held.release();
      const late = await lateReader;
      expect(order).to.deep.equal(['writer', 'late reader']);
      await late.release();
      await close();
    });

    it('serves mixed modes in arrival order (writers, runs of readers, writers)', async function () {
      const { all, close } = s.lockers(6);
      const [holderLocker, ...waiters] = all as [(typeof all)[0], ...(typeof all)[0][]];
      const plan: [string, boolean][] = [
        ['w1', false],
        ['r1', true],
        ['r2', true],
        ['w2', false],
        ['r3', true],
      ];
      const holder = await holderLocker.acquire('mix');
      const { order, track } = grantOrder();
      const pending = new Map<string, Promise<Lock>>();
      for (const [index, [name, shared]] of plan.entries()) {
        pending.set(name, track(name, waiters[index]!.acquire('mix', { shared })));
        await s.queued('mix', index + 1);
      }
      await holder.release();
      const w1 = await pending.get('w1')!;
      await w1.release();
      const [r1, r2] = await Promise.all([pending.get('r1')!, pending.get('r2')!]);
      await r1.release();
      expect(order).to.have.length(3); // w2 waits for r2
      await r2.release();
      const w2 = await pending.get('w2')!;
      await w2.release();
      const r3 = await pending.get('r3')!;
      expect(order.slice(0, 1)).to.deep.equal(['w1']);
      expect(order.slice(1, 3)).to.have.members(['r1', 'r2']);
      expect(order.slice(3)).to.deep.equal(['w2', 'r3']);
      const fences = [w1, r1, r2, w2, r3].map((lock) => lock.fence);
      expect(Math.min(r1.fence, r2.fence)).to.be.greaterThan(w1.fence);
      expect(w2.fence).to.be.greaterThan(Math.max(r1.fence, r2.fence));
      expect(r3.fence).to.be.greaterThan(w2.fence);
      expect(new Set(fences).size).to.equal(5);
      await r3.release();
      await close();
    });

    it('a release wakes exactly the waiters it makes grantable', async function () {
      const { all, close } = s.lockers(3);
      const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
      const { messages: heard, close: stopListening } = await listen(
        backend().connect(),
        `${lockKeys(s.prefix, 'x').channel}*`,
      );
      const readers = [await a.acquire('x', { shared: true }), await a.acquire('x', { shared: true })];
      const writer = b.acquire('x');
      await s.queued('x', 1);
      const reader = c.acquire('x', { shared: true });
      await s.queued('x', 2);
      await readers[0]!.release(); // a reader is left: the writer cannot go yet, nobody is woken
      await readers[1]!.release(); // the last reader: the writer (only) is woken
      const held = await writer;
      await waitUntil(() => heard.length >= 2, { description: 'the writer’s wake-up heard' });
      expect(heard).to.deep.equal([held.token, held.token]);
      await held.release(); // the writer's (mutex) release wakes the reader behind it
      await (await reader).release();
      stopListening();
      await close();
    });

    it('a waiting writer that gives up lets the readers behind it in', async function () {
      const { all, close } = s.lockers(3);
      const [a, b, c] = all as [(typeof all)[0], (typeof all)[0], (typeof all)[0]];
      const reader = await a.acquire('g', { shared: true });
      const controller = new AbortController();
      const writer = b.acquire('g', { signal: controller.signal });
      await s.queued('g', 1);
      const later = c.acquire('g', { shared: true });
      await s.queued('g', 2);
      controller.abort(new Error('writer gave up'));
      await expect(writer).to.be.rejectedWith('writer gave up');
      const second = await later; // while the first reader still holds
      expect(await s.holders('g')).to.have.members([reader.token, second.token]);
      await Promise.all([reader.release(), second.release()]);
      expect(await s.keyNames()).to.deep.equal(['{g}:fence']);
      await close();
    });

    it('frees the share of a reader that crashed when its lease ends; the writer gets the lock', async function () {
      const client = backend().client();
      const dying = createLocker(client, { prefix: s.prefix, ttl: 300 });
      const writerLocker = createLocker(backend().client(), { prefix: s.prefix });
      const dead = await dying.acquire('c', { shared: true });
      backend().drop(client);
      const writer = await writerLocker.acquire('c', { wait: 10_000 });
      expect(await s.admin.get(lockKeys(s.prefix, 'c').lease)).to.equal(writer.token);
      expect(writer.fence).to.be.greaterThan(dead.fence);
      await writer.release();
      await Promise.all([dying.close(), writerLocker.close()]);
    });

    it('a reader waiter that died blocks the writer behind it only until its entry expires', async function () {
      const writerLocker = createLocker(backend().client(), { prefix: s.prefix });
      const client = backend().client();
      const dying = createLocker(client, { prefix: s.prefix });
      const holder = await writerLocker.acquire('d');
      const doomed = dying.acquire('d', { shared: true, wait: 60_000 }).catch((e: unknown) => e);
      await s.queued('d', 1);
      backend().drop(client);
      const next = writerLocker.acquire('d', { wait: 10_000 });
      await s.queued('d', 2);
      await holder.release();
      const lock = await next;
      expect(await doomed).to.be.instanceOf(Error);
      expect(await s.admin.exists(lockKeys(s.prefix, 'd').queue)).to.equal(0);
      await lock.release();
      await Promise.all([writerLocker.close(), dying.close()]);
    });

    it('timeout and abort of a reader leave nothing in Redis', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const writer = await locker.acquire('t');
      await expect(locker.acquire('t', { shared: true, wait: 150 })).to.be.rejectedWith(LockBusyError);
      const controller = new AbortController();
      const waiting = locker.acquire('t', { shared: true, signal: controller.signal });
      await s.queued('t', 1);
      controller.abort(new Error('gone'));
      await expect(waiting).to.be.rejectedWith('gone');
      expect(await s.keyNames()).to.deep.equal(['{t}', '{t}:fence']);
      await writer.release();
      expect(await s.keyNames()).to.deep.equal(['{t}:fence']);
      await locker.close();
    });

    it('renews, extends and releases a read share; a lapsed share is lost', async function () {
      // ttl 3 s: ioredis-mock's TIME is off by up to a second, and the holders' deadlines are on that clock.
      const locker = createLocker(backend().client(), { prefix: s.prefix, ttl: 3_000 });
      const share = await locker.acquire('e', { shared: true });
      const other = await locker.acquire('e', { shared: true, renew: false, ttl: 20_000 });
      await renewals(locker, 2);
      expect(share.held).to.equal(true);
      await other.release();
      await share.extend(15_000);
      expect(await s.admin.pttl(lockKeys(s.prefix, 'e').lease)).to.be.greaterThan(10_000);
      expect(await share.release()).to.equal(true);
      expect(await s.keyNames()).to.deep.equal(['{e}:fence']);
      const short = createLocker(backend().client(), { prefix: s.prefix, ttl: 100, renew: false });
      const lapsing = await short.acquire('e', { shared: true });
      await aborted(lapsing.signal);
      await expect(lapsing.extend()).to.be.rejectedWith(LockLostError);
      await Promise.all([locker.close(), short.close()]);
    });

    it('using() takes the mode too: two readers inside at once', async function () {
      const locker = createLocker(backend().client(), { prefix: s.prefix });
      const inside = [deferred(), deferred()];
      const tokens = await Promise.all(
        inside.map((mine, index) =>
          locker.using(
            'u',
            async (lock) => {
              mine.resolve();
              await inside[1 - index]!.promise; // the other reader is inside too
              return lock.token;
            },
            { shared: true },
          ),
        ),
      );
      expect(new Set(tokens).size).to.equal(2);
      await locker.close();
    });
  });
});
