import { RedisCluster, RedisReplicaSet } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { Cluster, Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { createClient, createCluster } from 'redis';
import {
  createLocker,
  LockConfigError,
  type Locker,
  lockKeys,
  LockLostError,
  LockRedisError,
  LockReplicationError,
} from '@deadbolt/core';

import { waiting } from './support/waiting.js';

use(chaiAsPromised);

const CONFIRMED = { wait: 1, timeout: 1_000 } as const;

/** Resolves with the locker's next `event` payload. */
function next<E extends 'waited' | 'lost' | 'extended'>(locker: Locker, event: E): Promise<unknown> {
  return new Promise((resolve) => locker.once(event, resolve));
}

describe('replicas option: a grant is trusted only once replicas acknowledged it (WAIT)', function () {
  this.timeout(30_000);
  let set: RedisReplicaSet;
  const lockers: Locker[] = [];
  const locker = (redis: Parameters<typeof createLocker>[0], options = {}): Locker => {
    const made = createLocker(redis, { prefix: 'r', ...options });
    lockers.push(made);
    return made;
  };
  beforeEach(async () => {
    set = await RedisReplicaSet.start({ replicas: 1 });
  });
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map((l) => l.close()));
    await set.stop();
  });

  it('returns a grant only once the replica has it (lease and fence readable on the replica)', async () => {
    const lock = await locker(set.client(), { replicas: CONFIRMED }).acquire('order');
    const replica = set.replicas[0]!.client();
    const keys = lockKeys('r', 'order');
    expect(await replica.get(keys.lease)).to.equal(lock.token);
    expect(Number(await replica.get(keys.fence))).to.equal(lock.fence);
  });

  it('node-redis: the same confirmation (WAIT through its client)', async () => {
    const client = createClient({ socket: { host: '127.0.0.1', port: set.master.port } });
    await client.connect();
    try {
      const lock = await locker(client, { replicas: CONFIRMED }).acquire('order');
      expect(await set.replicas[0]!.client().get(lockKeys('r', 'order').lease)).to.equal(lock.token);
      await lock.release();
      set.replicas[0]!.pause();
      const impatient = locker(client, { replicas: { wait: 1, timeout: 50 } });
      await expect(impatient.acquire('order', { wait: 0 })).to.be.rejectedWith(LockReplicationError);
      set.replicas[0]!.resume();
    } finally {
      await Promise.all(lockers.splice(0).map((l) => l.close()));
      client.destroy();
    }
  });

  it('permits and read shares are confirmed too: refused unconfirmed, nothing of theirs left on the master', async () => {
    const redis = set.client();
    const permits = locker(redis, { replicas: CONFIRMED });
    const [first, second] = await Promise.all([
      permits.acquire('export', { limit: 2 }),
      permits.acquire('export', { limit: 2 }),
    ]);
    const replica = set.replicas[0]!.client();
    const keys = lockKeys('r', 'export');
    expect(await replica.zcard(keys.holders), 'both permits on the replica').to.equal(2);
    await Promise.all([first.release(), second.release()]);
    set.replicas[0]!.pause();
    try {
      const impatient = locker(redis, { replicas: { wait: 1, timeout: 50 } });
      await expect(impatient.acquire('doc', { shared: true, wait: 0 })).to.be.rejectedWith(
        LockReplicationError,
      );
      const doc = lockKeys('r', 'doc');
      expect(
        await redis.exists(doc.lease, doc.holders, doc.queue),
        'the unconfirmed share was released',
      ).to.equal(0);
    } finally {
      set.replicas[0]!.resume();
    }
  });

  it('a waiter is granted after the release by its own confirmed attempt (no hand-over)', async () => {
    const holder = await locker(set.client(), { replicas: CONFIRMED }).acquire('order');
    const waiter = await waiting(locker(set.client(), { replicas: CONFIRMED }), 'order');
    await holder.release();
    const next = await waiter.settled;
    expect(next.fence).to.be.above(holder.fence);
    const replica = set.replicas[0]!.client();
    expect(await replica.get(lockKeys('r', 'order').lease), 'confirmed on the replica').to.equal(next.token);
  });

  it('replica paused: the grant is released and the acquire rejects LockReplicationError at once (no retry within wait)', async () => {
    const redis = set.client();
    const made = locker(redis, { replicas: { wait: 1, timeout: 50 } });
    set.replicas[0]!.pause();
    try {
      const error = await made.acquire('order', { wait: 20_000 }).then(
        () => expect.fail('granted without a replica'),
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(LockReplicationError);
      expect(error).to.include({ code: 'ERR_LOCK_REPLICAS', key: 'order', required: 1, acknowledged: 0 });
      const keys = lockKeys('r', 'order');
      expect(await redis.exists(keys.lease, keys.queue), 'nothing of the grant stays on the master').to.equal(
        0,
      );
      expect(await redis.exists(keys.fence), 'the grant was made, then released').to.equal(1);
      expect(made.heldCount).to.equal(0);
    } finally {
      set.replicas[0]!.resume();
    }
    // Without the option the same acquire is granted: the confirmation is what refused it.
    set.replicas[0]!.pause();
    try {
      expect(await locker(redis).tryAcquire('order')).to.not.equal(null);
    } finally {
      set.replicas[0]!.resume();
    }
  });

  it('an unconfirmed renewal is a failed renewal: extend() rejects, renewals retry, then the lock is told lost', async () => {
    const made = locker(set.client(), { replicas: CONFIRMED, ttl: 4_000 });
    const lock = await made.acquire('order');
    const failures: Error[] = [];
    made.on('renewFailed', ({ error }) => failures.push(error));
    const lost = next(made, 'lost');
    set.holdReplication(set.replicas[0]!);
    await expect(lock.extend()).to.be.rejectedWith(LockReplicationError);
    await lost;
    expect(lock.held).to.equal(false);
    expect(lock.signal.reason).to.be.instanceOf(LockLostError).and.include({ reason: 'expired' });
    expect(
      failures.some((e) => e instanceof LockReplicationError),
      String(failures),
    ).to.equal(true);
    // A renewal script queued behind the extend's 1 s WAIT on the one connection may time out instead (load).
    expect(
      failures.every((e) => e instanceof LockReplicationError || e instanceof LockRedisError),
      String(failures),
    ).to.equal(true);
  });

  it('without the option: a grant not yet replicated is lost at failover; a second holder gets the same fence', async () => {
    const holder = locker(set.client());
    await (await holder.acquire('order')).release(); // an earlier grant: its fence counter reaches the replica
    await set.synced();
    set.holdReplication(set.replicas[0]!); // the replica lags: nothing from here on reaches it
    const first = await holder.acquire('order');
    const waiter = await waiting(locker(set.client()), 'order');
    const promoted = await set.killMaster();
    // A waiter on the dead master is told at once; it does not hang and is not granted.
    await expect(waiter.settled).to.be.rejectedWith(LockRedisError);
    const second = await locker(promoted.client()).tryAcquire('order');
    expect(second, 'the promoted replica never saw the first grant').to.not.equal(null);
    expect(first.held, 'the first holder still believes it holds the lock').to.equal(true);
    expect(second!.fence, "the lagging counter hands out the first holder's fence again").to.equal(
      first.fence,
    );
  });

  it('without the option: a lagging replica with no fence counter starts from its clock, above the lost fence', async () => {
    set.holdReplication(set.replicas[0]!);
    const first = await locker(set.client()).acquire('order');
    const promoted = await set.killMaster();
    const second = await locker(promoted.client()).tryAcquire('order');
    expect(second, 'mutual exclusion is lost all the same').to.not.equal(null);
    expect(first.held).to.equal(true);
    expect(second!.fence).to.be.above(first.fence);
  });

  it('with the option: a confirmed grant survives failover; the next grant comes after its lease, with a higher fence', async () => {
    const holder = locker(set.client(), { replicas: CONFIRMED, ttl: 4_000 });
    const first = await holder.acquire('order');
    const waiter = await waiting(locker(set.client(), { replicas: CONFIRMED }), 'order');
    set.holdReplication(set.replicas[0]!); // whatever follows the confirmed grant is lost at failover
    const promoted = await set.killMaster();
    await expect(waiter.settled).to.be.rejectedWith(LockRedisError);
    // The promoted replica has no replica itself, so the next locker runs without the option.
    const after = locker(promoted.client());
    expect(await after.tryAcquire('order'), 'the confirmed lease is on the promoted replica').to.equal(null);
    const second = await after.acquire('order', { wait: 20_000 });
    expect(first.held, 'granted again only once the first holder stopped trusting its lock').to.equal(false);
    expect(second.fence).to.be.above(first.fence);
  });
});

describe('Cluster without the replicas option: manual failover (CLUSTER FAILOVER) with a lock held and waited for', function () {
  this.timeout(60_000);

  it('the lease survives a coordinated failover; extend follows the new master; the waiter is granted after the release', async () => {
    const cluster = await RedisCluster.start({ masters: 3, replicas: 1 });
    const lockers: Locker[] = [];
    try {
      const client = cluster.client();
      // The old master pauses writes until its replica caught up (at most a few seconds): commands wait that out.
      const holder = createLocker(client, { prefix: 'c', commandTimeout: 10_000 });
      const other = createLocker(cluster.client(), { prefix: 'c', commandTimeout: 10_000 });
      lockers.push(holder, other);
      const lock = await holder.acquire('order');
      const waiter = await waiting(other, 'order');
      const slot = Number(await client.cluster('KEYSLOT', lockKeys('c', 'order').lease));
      const [replica] = await cluster.replicasOf(await cluster.slotOwner(slot));
      await cluster.failover(replica!);
      expect(await cluster.slotOwner(slot)).to.equal(replica);
      await lock.extend(); // on the promoted replica, through MOVED: the lease is there
      expect(lock.held).to.equal(true);
      await lock.release();
      const second = await waiter.settled;
      expect(second.fence).to.be.above(lock.fence);
      await second.release();
    } finally {
      await Promise.all(lockers.map((l) => l.close()));
      await cluster.stop();
    }
  });
});

describe('replicas option: validation', () => {
  it('refuses bad values with LockConfigError before any command', () => {
    const redis = new Redis({ lazyConnect: true });
    for (const replicas of [
      null,
      1,
      [],
      {},
      { wait: 0 },
      { wait: 1.5 },
      { wait: 1, timeout: 0 },
      { wait: 1, timeout: -5 },
      { wait: 1, extra: true },
    ]) {
      expect(() => createLocker(redis, { replicas: replicas as never }), JSON.stringify(replicas)).to.throw(
        LockConfigError,
        /replicas/,
      );
    }
    expect(() => createLocker(redis, { replicas: { wait: 2 } })).to.not.throw();
    redis.disconnect();
  });

  it('ioredis-mock (no replication, WAIT unsupported): no grant is ever returned unconfirmed', async () => {
    const redis = new RedisMock();
    const made = createLocker(redis, { prefix: 'm', replicas: { wait: 1 } });
    await expect(made.acquire('order', { wait: 0 })).to.be.rejectedWith(LockRedisError, /WAIT/);
    expect(await redis.exists(lockKeys('m', 'order').lease), 'the grant was released').to.equal(0);
    const plain = createLocker(redis, { prefix: 'm' });
    expect(await plain.tryAcquire('order'), 'without the option the same lock is granted').to.not.equal(null);
    await Promise.all([made.close(), plain.close()]);
    redis.disconnect();
  });

  it('refuses the option on a quorum and on a node-redis Cluster; accepts it on an ioredis Cluster', () => {
    const a = new Redis({ lazyConnect: true });
    const b = new Redis({ lazyConnect: true });
    const cluster = new Cluster([{ host: '127.0.0.1', port: 1 }], { lazyConnect: true });
    const nodeRedisCluster = createCluster({ rootNodes: [{ url: 'redis://127.0.0.1:1' }] });
    expect(() => createLocker([a, b, a.duplicate()], { replicas: { wait: 1 } })).to.throw(
      LockConfigError,
      /quorum/,
    );
    expect(() => createLocker(nodeRedisCluster, { replicas: { wait: 1 } })).to.throw(
      LockConfigError,
      /needs an ioredis or iovalkey Cluster/,
    );
    const clusterDriver = {
      kind: 'custom',
      isCluster: true,
      scripts: { evalsha: () => Promise.resolve(0), eval: () => Promise.resolve(0) },
    } as const;
    expect(() => createLocker(clusterDriver, { replicas: { wait: 1 } })).to.throw(
      LockConfigError,
      /custom Cluster/,
    );
    expect(() => createLocker(cluster, { replicas: { wait: 1 } })).to.not.throw();
    for (const client of [a, b]) client.disconnect();
    cluster.disconnect();
  });
});
