import { expect } from './chai.js';
import { RedisCluster, useRedisCluster } from '../src/index.js';

describe('RedisCluster', function () {
  this.timeout(20_000);

  describe('3 masters, no replicas', () => {
    const redis = useRedisCluster();

    it('has 3 masters on distinct ports owning all slots', async () => {
      expect(redis.cluster.servers).to.have.length(3);
      expect(redis.cluster.nodes.map((n) => n.port)).to.deep.equal(redis.cluster.servers.map((s) => s.port));
      expect(new Set(redis.cluster.nodes.map((n) => n.port)).size).to.equal(3);
      expect(await redis.cluster.slotOwner(0)).to.equal(redis.cluster.servers[0]);
      expect(await redis.cluster.slotOwner(16383)).to.equal(redis.cluster.servers[2]);
    });

    it('a Cluster client sets and gets 50 keys spread over every master', async () => {
      const client = redis.cluster.client();
      const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
      for (const key of keys) await client.set(key, `value of ${key}`);
      for (const key of keys) expect(await client.get(key)).to.equal(`value of ${key}`);
      const sizes = await Promise.all(redis.cluster.servers.map((s) => s.client().dbsize()));
      expect(sizes.every((n) => n > 0)).to.equal(true);
      expect(sizes.reduce((a, b) => a + b, 0)).to.be.at.least(50);
    });

    it('migrateSlot() moves a slot with its keys; the client follows MOVED', async () => {
      const client = redis.cluster.client();
      await client.set('{moving}:a', 'A');
      for (let i = 0; i < 150; i++) await client.set(`{moving}:${i}`, String(i)); // > one MIGRATE batch
      const slot = Number(await client.cluster('KEYSLOT', '{moving}:a'));
      const source = await redis.cluster.slotOwner(slot);
      const toIndex = (redis.cluster.servers.indexOf(source) + 1) % 3;
      const target = redis.cluster.servers[toIndex]!;

      await redis.cluster.migrateSlot(slot, toIndex);

      expect(await redis.cluster.slotOwner(slot)).to.equal(target);
      expect(Number(await target.client().cluster('COUNTKEYSINSLOT', slot))).to.equal(151);
      expect(Number(await source.client().cluster('COUNTKEYSINSLOT', slot))).to.equal(0);
      expect(await client.get('{moving}:a')).to.equal('A'); // stale slot map -> MOVED -> retried
      expect(await client.get('{moving}:149')).to.equal('149');
    });

    it('migrateSlot() validates its arguments and is a no-op for the current owner', async () => {
      await expect(redis.cluster.migrateSlot(16384, 0)).to.be.rejectedWith(RangeError);
      await expect(redis.cluster.migrateSlot(1, 7)).to.be.rejectedWith(RangeError);
      await redis.cluster.migrateSlot(1, 0);
      expect(await redis.cluster.slotOwner(1)).to.equal(redis.cluster.servers[0]);
    });
  });

  it('start({ replicas: 1 }) attaches one synced replica per master; stop() ends everything', async () => {
    const cluster = await RedisCluster.start({ masters: 2, replicas: 1 });
    const client = cluster.client();
    try {
      expect(cluster.servers).to.have.length(4);
      const roles = await Promise.all(cluster.servers.map(async (s) => (await s.client().role())[0]));
      expect(roles).to.deep.equal(['master', 'master', 'slave', 'slave']);
      const slots = (await client.cluster('SLOTS')) as unknown[][];
      expect(slots).to.have.length(2);
      expect(slots.every((range) => range.length === 4)).to.equal(true); // start, end, master, 1 replica
      await client.set('replicated', 'yes');
      expect(await client.get('replicated')).to.equal('yes');
    } finally {
      await cluster.stop();
    }
    expect(cluster.servers.every((s) => !s.running)).to.equal(true);
    expect(client.status).to.be.oneOf(['close', 'end']); // disconnected, not reconnecting
    expect(() => cluster.client()).to.throw(/stopped/);
  });
});
