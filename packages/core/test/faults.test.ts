import { RedisServer, waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, LockBusyError, LockLostError, LockRedisError } from '@deadbolt/core';

use(chaiAsPromised);

describe('faults on a real Redis', function () {
  let server: RedisServer;
  beforeEach(async function () {
    server = await RedisServer.start();
  });
  afterEach(async function () {
    await server.stop();
  });

  it('never returns a grant whose reply arrived after its ttl (Redis paused during the acquire)', async function () {
    const redis = server.client();
    const locker = createLocker(redis, { prefix: 'p', ttl: 200, commandTimeout: 5_000 });
    await redis.ping();
    server.pause();
    const pending = locker.acquire('slow', { wait: 0 });
    // The fault: Redis stays stopped for longer than the ttl, then comes back.
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.resume();
    await expect(pending).to.be.rejectedWith(LockBusyError);
    expect(await redis.exists('p:{slow}'), 'the late grant was released').to.equal(0);
    await locker.close();
  });

  it('a waiting acquire whose first grant came too late gets a fresh, valid one', async function () {
    const redis = server.client();
    const locker = createLocker(redis, { prefix: 'p', ttl: 200, commandTimeout: 5_000 });
    await redis.ping();
    server.pause();
    const pending = locker.acquire('slow', { wait: 5_000, renew: false });
    await new Promise((resolve) => setTimeout(resolve, 400));
    server.resume();
    const lock = await pending;
    expect(lock.remaining()).to.be.greaterThan(0);
    expect(await redis.get('p:{slow}')).to.equal(lock.token);
    await locker.close();
  });

  it('a hand-over to a waiter of the releasing locker whose reply is lost reaches it by its heartbeat', async function () {
    const redis = server.client();
    const locker = createLocker(redis, { prefix: 'p', commandTimeout: 200 });
    const admin = server.client();
    const queued = (): Promise<void> =>
      waitUntil(async () => (await admin.zcard('p:{lost-reply}:queue')) === 1, {
        description: 'the waiter queued',
      });
    // A first hand-over subscribes the waiters' channel (it lingers), so the next waiter pauses on its first
    // refusal, until its heartbeat, instead of retrying at once after a fresh subscription.
    const first = await locker.acquire('lost-reply');
    const second = locker.acquire('lost-reply');
    await queued();
    await first.release();
    const holder = await second;
    const waiting = locker.acquire('lost-reply');
    await queued();
    // The release runs only after its command timed out: its reply, which carries the hand-over, is dropped.
    server.pause();
    await expect(holder.release()).to.be.rejectedWith(LockRedisError);
    server.resume();
    const lock = await waiting;
    expect(lock.fence).to.be.greaterThan(holder.fence);
    expect(await redis.get('p:{lost-reply}')).to.equal(lock.token);
    expect(await lock.release()).to.equal(true);
    await locker.close();
  });

  it('signals loss once, before the lease ends, when Redis dies under a renewing lock; then recovers', async function () {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const redis = server.client({ maxRetriesPerRequest: 0 });
      let lostCalls = 0;
      // A large drift factor puts the local deadline well before the server-side lease end (start + ttl).
      const locker = createLocker(redis, {
        prefix: 'p',
        ttl: 1_000,
        driftFactor: 0.25,
        onLockLost: () => lostCalls++,
      });
      const started = performance.now();
      const lock = await locker.acquire('held');
      const renewFailures: Error[] = [];
      locker.on('renewFailed', ({ error }) => renewFailures.push(error));
      await server.kill();
      await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
      const abortedAt = performance.now();
      expect(lock.signal.reason).to.be.instanceOf(LockLostError);
      expect((lock.signal.reason as LockLostError).reason).to.equal('expired');
      expect(abortedAt, 'aborted before the server-side lease end').to.be.lessThan(started + 1_000);
      expect(lostCalls).to.equal(1);
      expect(lock.held).to.equal(false);
      expect(renewFailures.length).to.be.greaterThan(0);
      expect(renewFailures.every((e) => e instanceof LockRedisError)).to.equal(true);
      // Other work goes on while Redis is down, and calls fail fast instead of hanging.
      await expect(locker.acquire('other', { wait: 0 })).to.be.rejectedWith(LockRedisError);
      await server.restart();
      await waitUntil(() => redis.status === 'ready', { timeoutMs: 10_000, description: 'reconnect' });
      const again = await locker.acquire('held');
      expect(again.held).to.equal(true);
      await again.release();
      expect(lostCalls).to.equal(1);
      await locker.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).to.deep.equal([]);
  });

  it('a ttl shorter than the renewal minimum does not spin', async function () {
    const redis = server.client();
    const locker = createLocker(redis, { prefix: 'p', ttl: 30, driftFactor: 0 });
    await locker.acquire('tiny');
    await server.resetStats();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // observe one second of renewals
    const stats = await server.commandStats();
    const extends_ = (stats['evalsha'] ?? 0) + (stats['eval'] ?? 0);
    // One renewal per 20 ms at most (MIN_RENEW_INTERVAL_MS): about 50 a second, never a hot loop.
    expect(extends_).to.be.at.most(60);
    await locker.close();
  });
});
