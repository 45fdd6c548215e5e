import { RedisServer, waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, type Lock, type Locker, lockKeys, LockRedisError } from '@deadbolt/core';
import { waiting } from './support/waiting.js';

use(chaiAsPromised);

describe('a single Redis crashes (kill -9) and restarts, with a lock held and waited for', function () {
  this.timeout(30_000);
  const lockers: Locker[] = [];
  let server: RedisServer;
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map((l) => l.close()));
    await server.stop();
  });

  /** Crashes the server with a holder of `order` and a waiter; resolves what each saw. */
  async function crashAndRestart(
    args: string[],
  ): Promise<{ holder: Lock; redis: ReturnType<RedisServer['client']> }> {
    server = await RedisServer.start({ args });
    const holderClient = server.client();
    const holderLocker = createLocker(holderClient, { prefix: 'p' });
    const waiterLocker = createLocker(server.client(), { prefix: 'p' });
    lockers.push(holderLocker, waiterLocker);
    const holder = await holderLocker.acquire('order');
    const waiter = await waiting(waiterLocker, 'order');
    await server.kill();
    // The waiter is told at once that Redis is gone: it neither hangs nor is granted.
    await expect(waiter.settled).to.be.rejectedWith(LockRedisError);
    await server.restart();
    await waitUntil(() => holderClient.status === 'ready', {
      description: "the holder's client to reconnect",
    });
    return { holder, redis: server.client() };
  }

  for (const fsync of ['always', 'everysec']) {
    // Redis writes the AOF before it replies (only the fsync waits with everysec), so a process crash loses no
    // acknowledged write with either; everysec can lose the last second only when the machine itself crashes.
    it(`AOF appendfsync ${fsync}: the lease and its fence counter come back; the holder keeps the lock; fences keep increasing`, async () => {
      const { holder, redis } = await crashAndRestart(['--appendonly', 'yes', '--appendfsync', fsync]);
      const keys = lockKeys('p', 'order');
      expect(await redis.get(keys.lease), 'the lease was reloaded from the AOF').to.equal(holder.token);
      const other = createLocker(server.client(), { prefix: 'p' });
      lockers.push(other);
      expect(await other.tryAcquire('order'), 'nobody else is granted the lock').to.equal(null);
      await holder.extend(); // the holder's renewal works again on the restarted server
      expect(holder.held).to.equal(true);
      await holder.release();
      const next = await other.acquire('order', { wait: 5_000 });
      expect(next.fence, 'the fence counter was reloaded too').to.equal(holder.fence + 1);
    });
  }

  it('no persistence: the lease is gone after the restart; a second holder is granted while the first still believes it holds', async () => {
    const { holder, redis } = await crashAndRestart([]);
    expect(await redis.exists(lockKeys('p', 'order').lease)).to.equal(0);
    const other = createLocker(server.client(), { prefix: 'p' });
    lockers.push(other);
    const second = await other.tryAcquire('order');
    expect(second, 'granted again at once').to.not.equal(null);
    expect(holder.held, 'the first holder still believes it holds the lock').to.equal(true);
    expect(second!.fence, 'a new counter starts from the server clock').to.be.above(holder.fence);
    // Its renewal finds the lease taken and tells it lost.
    await expect(holder.extend()).to.be.rejectedWith(/lost/i);
    expect(holder.signal.aborted).to.equal(true);
  });
});
