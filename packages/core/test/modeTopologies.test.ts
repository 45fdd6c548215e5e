import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { RedisMasters, useRedisCluster } from '@deadbolt/testing';
import { createLocker, LockConfigError, LockModeError, type Lock } from '@deadbolt/core';
import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { lockKeys } from '../src/keys/lockKeys.js';

use(chaiAsPromised);

describe('permits and read shares on a Redis Cluster', function () {
  this.timeout(60_000);
  const redis = useRedisCluster({ masters: 3 });

  it('serves a one-key semaphore and read-write lock on the master of its slot, with the same rules', async function () {
    const locker = createLocker(redis.cluster.client(), { prefix: 'cm' });
    const permits = [await locker.acquire('job', { limit: 2 }), await locker.acquire('job', { limit: 2 })];
    expect(await locker.tryAcquire('job', { limit: 2 })).to.equal(null);
    await expect(locker.acquire('job', { limit: 3 })).to.be.rejectedWith(LockModeError);
    const third = locker.acquire('job', { limit: 2, wait: 10_000 });
    await permits[0]!.release();
    const granted = await third;
    expect(granted.fence).to.be.greaterThan(permits[1]!.fence);
    await Promise.all([permits[1]!.release(), granted.release()]);

    const readers: Lock[] = [
      await locker.acquire('doc', { shared: true }),
      await locker.acquire('doc', { shared: true }),
    ];
    expect(await locker.tryAcquire('doc')).to.equal(null);
    const writer = locker.acquire('doc', { wait: 10_000 });
    await Promise.all(readers.map((reader) => reader.release()));
    const held = await writer;
    expect(held.fence).to.be.greaterThan(Math.max(...readers.map((reader) => reader.fence)));
    await held.release();
    expect(
      await redis.cluster.client().exists(lockKeys('cm', 'doc').lease, lockKeys('cm', 'doc').holders),
    ).to.equal(0);
    await locker.close();
  });

  it('refuses limit and shared on a lock whose keys lie in several slots, before sending anything', async function () {
    const locker = createLocker(redis.cluster.client(), { prefix: 'cx' });
    const keys = ['acct:1', 'acct:2', 'acct:3'];
    expect(new Set(keys.map((k) => clusterSlot(lockKeys('cx', k).lease))).size).to.be.greaterThan(1);
    await expect(locker.acquire(keys, { limit: 2 })).to.be.rejectedWith(LockConfigError, /one slot/);
    await expect(locker.tryAcquire(keys, { shared: true })).to.be.rejectedWith(LockConfigError, /one slot/);
    for (const key of keys)
      expect(await redis.cluster.client().exists(lockKeys('cx', key).lease)).to.equal(0);
    await locker.close();
  });
});

describe('permits and read shares in quorum mode', function () {
  this.timeout(60_000);
  let masters: RedisMasters;
  before(async function () {
    masters = await RedisMasters.start(3);
  });
  after(async function () {
    await masters.stop();
  });

  it('are refused with LockConfigError before anything is sent; the exclusive lock works as before', async function () {
    const clients = masters.clients();
    const locker = createLocker(clients, { prefix: 'qm' });
    await expect(locker.acquire('k', { limit: 3 })).to.be.rejectedWith(LockConfigError, /quorum/);
    await expect(locker.tryAcquire('k', { shared: true })).to.be.rejectedWith(LockConfigError, /quorum/);
    await expect(locker.using('k', () => 1, { limit: 1 })).to.be.rejectedWith(LockConfigError, /quorum/);
    for (const client of clients) expect(await client.keys('qm:*')).to.deep.equal([]);
    await (await locker.acquire('k')).release();
    await locker.close();
    clients.forEach((client) => client.disconnect());
  });
});
