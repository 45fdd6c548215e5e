import type { Cluster } from 'ioredis';
import { RedisCluster, waitUntil } from '@deadbolt/testing';
import { createLocker, lockKeys, type Locker } from '../src/index.js';
import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { expect, nextEvents } from './quorumHelpers.js';
import { describeEachClient } from './support/clientKinds.js';

describeEachClient('Redis Cluster', function (kind) {
  this.timeout(60_000);
  let cluster: RedisCluster;
  let client: Cluster;
  let locker: Locker;

  before(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
    client = cluster.client();
    locker = createLocker(await kind.cluster(cluster.nodes), { ttl: 2_000 });
  });
  after(async () => {
    await locker.close();
    await cluster.stop();
  });

  it('computes the same slot as CLUSTER KEYSLOT', async () => {
    for (const key of ['a', 'order:42', 'ünïcode', 'x{y}z', 'x{}y', '{a}{b}']) {
      const k = lockKeys('deadbolt', key);
      for (const redisKey of [k.lease, k.fence, k.queue, k.queueExpiry, key]) {
        expect(clusterSlot(redisKey), redisKey).to.equal(Number(await client.cluster('KEYSLOT', redisKey)));
      }
    }
  });

  it('single-key locks on every master of a fresh cluster: scripts load per node, fences rise (E7)', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `fresh-${i}`);
    const owners = new Set<number>();
    for (const key of keys)
      owners.add((await cluster.slotOwner(clusterSlot(lockKeys('deadbolt', key).lease))).port);
    expect(owners.size).to.equal(3);
    const first = new Map<string, number>();
    for (const key of keys) {
      const lock = await locker.acquire(key, { wait: 0 });
      first.set(key, lock.fence);
      expect(await lock.release()).to.equal(true);
    }
    for (const key of keys) {
      const lock = await locker.acquire(key, { wait: 0 });
      expect(lock.fence).to.be.greaterThan(first.get(key)!);
      expect(await lock.release()).to.equal(true);
    }
  });

  it('a multi-key lock across slots: all or nothing, exclusive per key, fence above every key', async () => {
    const keys = ['acct:1', 'acct:2', 'acct:3'];
    expect(new Set(keys.map((k) => clusterSlot(lockKeys('deadbolt', k).lease))).size).to.equal(3);
    const single = await locker.acquire('acct:2', { wait: 0 });
    // Busy on one slot: refused, and the grants on the other slots are undone at once.
    expect(await locker.tryAcquire(keys)).to.equal(null);
    // (Sent at once; a client that writes on the next turn of the event loop, as node-redis, lands it a little later.)
    const undone = async (key: string): Promise<boolean> =>
      (await client.exists(lockKeys('deadbolt', key).lease)) === 0;
    await waitUntil(async () => (await undone('acct:1')) && (await undone('acct:3')), {
      timeoutMs: 1_000,
      description: 'the partial grants to be undone',
    });
    await single.release();
    const multi = await locker.acquire(keys, { wait: 0 });
    expect(multi.keys).to.deep.equal(keys);
    expect(multi.fence).to.be.greaterThan(single.fence);
    expect(await locker.tryAcquire('acct:3')).to.equal(null);
    expect(await locker.tryAcquire(['acct:1', 'other'])).to.equal(null);
    await multi.extend();
    expect(await multi.release()).to.equal(true);
    // The multi-key fence was pushed to every key: a later single-key grant of any of them is higher.
    for (const key of keys) {
      const next = await locker.acquire(key, { wait: 0 });
      expect(next.fence, key).to.be.greaterThan(multi.fence);
      await next.release();
    }
  });

  it('a release wakes the next waiter with SPUBLISH from Lua', async () => {
    const key = 'wake:1';
    const { lease, channel } = lockKeys('deadbolt', key);
    const owner = await cluster.slotOwner(clusterSlot(lease));
    const subscriber = owner.client();
    const messages: string[] = [];
    subscriber.on('smessage', (_channel: string, message: string) => messages.push(message));
    await subscriber.ssubscribe(channel);
    const holder = await locker.acquire(key);
    const waiting = locker.acquire(key, { wait: 10_000 });
    await waitUntil(async () => (await client.zcard(lockKeys('deadbolt', key).queue)) === 1, {
      description: 'the waiter to queue',
    });
    await holder.release();
    const waiter = await waiting;
    await waitUntil(() => messages.length > 0, { description: 'the wake-up message' });
    expect(messages[0]).to.equal(waiter.token);
    await waiter.release();
  });

  it('a slot migration during a held lock breaks neither renewal nor release', async () => {
    const quick = createLocker(await kind.cluster(cluster.nodes), { ttl: 600 });
    for (const keys of [['moving:1'], ['moving:2', 'moving:3']]) {
      const lock = await quick.acquire(keys);
      for (const key of keys) {
        const slot = clusterSlot(lockKeys('deadbolt', key).lease);
        const from = cluster.servers.indexOf(await cluster.slotOwner(slot));
        await cluster.migrateSlot(slot, (from + 1) % 3);
      }
      await nextEvents(quick, 'extended', 2);
      expect(lock.held, String(keys)).to.equal(true);
      expect(await quick.tryAcquire(keys[0]!)).to.equal(null);
      expect(await lock.release(), String(keys)).to.equal(true);
      const again = await quick.acquire(keys, { wait: 0 });
      expect(again.fence).to.be.greaterThan(lock.fence);
      await again.release();
    }
    await quick.close();
  });
});
