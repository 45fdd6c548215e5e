import { waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, LockBusyError, LockLostError, LockRedisError, type Locker } from '@deadbolt/core';
import { eachClientBackend } from './support/backends.js';

use(chaiAsPromised);

describe('core behaviour', function () {
  eachClientBackend((backend) => {
    let prefix: string;
    let locker: Locker;
    beforeEach(function () {
      prefix = backend().prefix();
      locker = createLocker(backend().client(), { prefix, ttl: 2_000 });
    });
    afterEach(async function () {
      await locker.close();
    });

    it('grants a held lock with an unguessable token, a fence and a validity', async function () {
      const lock = await locker.acquire('order:42');
      expect(lock.held).to.equal(true);
      expect(lock.key).to.equal('order:42');
      expect(lock.token).to.match(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{24}$/);
      expect(lock.fence).to.be.a('number').greaterThan(0);
      expect(lock.remaining()).to.be.greaterThan(0).and.at.most(2_000);
      expect(await lock.release()).to.equal(true);
      expect(lock.held).to.equal(false);
    });

    it('leaves only the fence counter, with a TTL, after a release', async function () {
      const lock = await locker.acquire('order:1');
      await lock.release();
      const keys = await backend().keys(prefix);
      expect(keys.map((k) => k.key)).to.deep.equal([`${prefix}:{order%3A1}:fence`]);
      expect(keys[0]?.pttl).to.be.greaterThan(0);
    });

    it('refuses a busy lock with LockBusyError carrying the holder’s remaining lease, leaving no waiter', async function () {
      await locker.acquire('busy');
      const error = await locker.acquire('busy', { wait: 0 }).then(
        () => expect.fail('acquired a held lock'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(LockBusyError);
      expect((error as LockBusyError).code).to.equal('ERR_LOCK_BUSY');
      expect((error as LockBusyError).remaining)
        .to.be.greaterThan(0)
        .and.at.most(2_000);
      expect((await backend().keys(prefix)).map((k) => k.key)).to.have.members([
        `${prefix}:{busy}`,
        `${prefix}:{busy}:fence`,
      ]);
    });

    it('tryAcquire answers null when busy and a lock when free', async function () {
      const first = await locker.tryAcquire('try');
      expect(first).to.not.equal(null);
      expect(await locker.tryAcquire('try')).to.equal(null);
      await first?.release();
      const second = await locker.tryAcquire('try');
      expect(second?.fence).to.be.greaterThan(first?.fence ?? Infinity);
    });

    it('release is idempotent: true, then false', async function () {
      const lock = await locker.acquire('twice');
      expect(await lock.release()).to.equal(true);
      expect(await lock.release()).to.equal(false);
    });

    it('release of an expired lock resolves false, and the loss was signalled once', async function () {
      let lostCalls = 0;
      const short = createLocker(backend().client(), {
        prefix,
        ttl: 60,
        renew: false,
        onLockLost: () => lostCalls++,
      });
      const lock = await short.acquire('expiring');
      await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
      expect(lock.signal.reason).to.be.instanceOf(LockLostError);
      await waitUntil(async () => (await backend().keys(prefix)).every((k) => !k.key.endsWith('{expiring}')));
      expect(await lock.release()).to.equal(false);
      expect(lostCalls).to.equal(1);
      await short.close();
    });

    it('hands a waiting acquire the lock after release, with a higher fence', async function () {
      const holder = await locker.acquire('handover');
      const waiting = locker.acquire('handover', { wait: 5_000 });
      await waitUntil(async () => (await backend().keys(prefix)).some((k) => k.key.endsWith(':queue')));
      await holder.release();
      const next = await waiting;
      expect(next.fence).to.be.greaterThan(holder.fence);
      await next.release();
    });

    it('gives up when wait runs out, with LockBusyError and no queue entry left', async function () {
      const holder = await locker.acquire('timeout');
      await expect(locker.acquire('timeout', { wait: 150 })).to.be.rejectedWith(LockBusyError);
      expect((await backend().keys(prefix)).map((k) => k.key).sort()).to.deep.equal(
        [`${prefix}:{timeout}`, `${prefix}:{timeout}:fence`].sort(),
      );
      await holder.release();
    });

    it('rejects an aborted acquire with the signal’s reason and leaves no queue entry', async function () {
      const holder = await locker.acquire('abort');
      const controller = new AbortController();
      const reason = new Error('client went away');
      const waiting = locker.acquire('abort', { wait: 10_000, signal: controller.signal });
      await waitUntil(async () => (await backend().keys(prefix)).some((k) => k.key.endsWith(':queue')));
      controller.abort(reason);
      await expect(waiting).to.be.rejectedWith(reason);
      expect((await backend().keys(prefix)).map((k) => k.key).sort()).to.deep.equal(
        [`${prefix}:{abort}`, `${prefix}:{abort}:fence`].sort(),
      );
      await holder.release();
    });

    it('interruptFirstAttempt: false lets the first attempt answer, then releases its grant; a wait is still interrupted at once', async function () {
      const reason = new Error('client went away');
      const controller = new AbortController();
      const free = locker.acquire('first', {
        wait: 10_000,
        signal: controller.signal,
        interruptFirstAttempt: false,
      });
      controller.abort(reason); // the first attempt is in flight
      await expect(free).to.be.rejectedWith(reason);
      expect((await backend().keys(prefix)).map((k) => k.key)).to.deep.equal([`${prefix}:{first}:fence`]);
      const holder = await locker.acquire('first');
      const later = new AbortController();
      const waiting = locker.acquire('first', {
        wait: 10_000,
        signal: later.signal,
        interruptFirstAttempt: false,
      });
      await waitUntil(async () => (await backend().keys(prefix)).some((k) => k.key.endsWith(':queue')));
      later.abort(reason);
      await expect(waiting).to.be.rejectedWith(reason);
      expect((await backend().keys(prefix)).map((k) => k.key).sort()).to.deep.equal(
        [`${prefix}:{first}`, `${prefix}:{first}:fence`].sort(),
      );
      expect(locker.metrics()).to.include({ acquired: 1, busy: 0 });
      await holder.release();
    });

    it('close() rejects a waiting acquire (no signal of its own) with LockRedisError and leaves no queue entry', async function () {
      const holder = await locker.acquire('closing');
      const waiterLocker = createLocker(backend().client(), { prefix, ttl: 2_000 });
      const waiting = waiterLocker.acquire('closing', { wait: 10_000 });
      await waitUntil(async () => (await backend().keys(prefix)).some((k) => k.key.endsWith(':queue')));
      await waiterLocker.close();
      await expect(waiting).to.be.rejectedWith(LockRedisError, 'The locker is closed');
      await waitUntil(async () => !(await backend().keys(prefix)).some((k) => k.key.includes(':queue')), {
        description: 'the closed waiter to leave the queue',
      });
      expect(await holder.release()).to.equal(true);
    });

    it('rejects an already aborted signal at once', async function () {
      const reason = new Error('already');
      await expect(locker.acquire('pre', { signal: AbortSignal.abort(reason) })).to.be.rejectedWith(reason);
      expect(await backend().keys(prefix)).to.deep.equal([]);
    });

    it('using() returns the routine’s result and releases', async function () {
      const result = await locker.using('using', (lock) => lock.fence);
      expect(result).to.be.a('number');
      expect(await locker.tryAcquire('using')).to.not.equal(null);
    });

    it('using() rethrows the routine’s error and releases', async function () {
      const failure = new Error('routine failed');
      await expect(locker.using('using-err', () => Promise.reject(failure))).to.be.rejectedWith(failure);
      expect(await locker.tryAcquire('using-err')).to.not.equal(null);
    });

    it('using() keeps the routine’s result and error when the release fails', async function () {
      const connection = backend().client();
      const own = createLocker(connection, { prefix });
      const errors: Error[] = [];
      own.on('redisError', ({ error }) => errors.push(error));
      const result = await own.using('release-fails', () => {
        backend().drop(connection);
        return 'done';
      });
      expect(result).to.equal('done');
      expect(errors).to.have.length(1);
      expect(errors[0]).to.be.instanceOf(LockRedisError);
      await own.close();
    });

    it('await using releases at the end of the scope', async function () {
      {
        await using lock = await locker.acquire('scoped');
        expect(lock.held).to.equal(true);
      }
      expect(await locker.tryAcquire('scoped')).to.not.equal(null);
    });

    it('locks several keys together, in sorted order, all or none', async function () {
      const both = await locker.acquire(['b', 'a', 'b']);
      expect(both.keys).to.deep.equal(['a', 'b']);
      expect(await locker.tryAcquire('a')).to.equal(null);
      expect(await locker.tryAcquire(['b', 'c'])).to.equal(null);
      expect(await locker.tryAcquire('c')).to.not.equal(null);
      await both.release();
      expect(await locker.tryAcquire(['a', 'b'])).to.not.equal(null);
    });

    it('extend() keeps the lock and rejects LockLostError once the lease is gone', async function () {
      const lock = await locker.acquire('extend', { renew: false });
      await lock.extend(5_000);
      expect(lock.remaining()).to.be.greaterThan(2_000);
      const admin = backend().connect();
      await admin.del(`${prefix}:{extend}`);
      await expect(lock.extend()).to.be.rejectedWith(LockLostError);
      expect(lock.signal.aborted).to.equal(true);
      admin.disconnect();
    });

    it('renewal keeps a short lease alive past several ttls', async function () {
      // Renewed every third of its validity (about 330 ms): the lease lapses only if this process or Redis stalls
      // for the other two thirds (660 ms). 150 ms and 600 ms ttls lapsed on a loaded machine.
      const ttl = 1_000;
      const lock = await locker.acquire('renewed', { ttl });
      let extended = 0;
      locker.on('extended', () => extended++);
      const lost: string[] = [];
      locker.on('lost', ({ error }) => lost.push(error.reason));
      // Six renewals, each a third of the validity after the one before: two ttls and more.
      await waitUntil(() => extended >= 6 || lost.length > 0, {
        timeoutMs: 10_000,
        description: 'six renewals',
      });
      expect(lost, 'losses').to.deep.equal([]);
      expect(lock.held).to.equal(true);
      expect(lock.signal.aborted).to.equal(false);
      expect(await backend().admin().get(`${prefix}:{renewed}`), 'the lease on the server').to.equal(
        lock.token,
      );
    });
  });
});
