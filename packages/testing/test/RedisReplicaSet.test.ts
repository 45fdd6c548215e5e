import { expect } from './chai.js';
import { RedisReplicaSet } from '../src/index.js';

describe('RedisReplicaSet', function () {
  this.timeout(30_000);

  it('start() attaches synced replicas; writes reach them; stop() ends everything', async () => {
    const set = await RedisReplicaSet.start({ replicas: 2 });
    try {
      expect(set.servers).to.have.length(3);
      expect(set.master).to.equal(set.servers[0]);
      const roles = await Promise.all(set.servers.map(async (s) => (await s.client().role())[0]));
      expect(roles).to.deep.equal(['master', 'slave', 'slave']);
      await set.client().set('k', 'v');
      await set.synced();
      for (const replica of set.replicas) expect(await replica.client().get('k')).to.equal('v');
    } finally {
      await set.stop();
    }
    expect(set.servers.every((s) => !s.running)).to.equal(true);
  });

  it('holdReplication() keeps writes from a replica (WAIT sees no ack) until resumeReplication()', async () => {
    await using set = await RedisReplicaSet.start({ replicas: 1 });
    const replica = set.replicas[0]!;
    const master = set.client();
    set.holdReplication(replica);
    await master.set('held', '1');
    expect(await master.wait(1, 200)).to.equal(0);
    expect(await replica.client().get('held')).to.equal(null);
    set.resumeReplication(replica);
    expect(await master.wait(1, 5000)).to.equal(1);
    expect(await replica.client().get('held')).to.equal('1');
  });

  it('a paused replica acknowledges nothing; WAIT times out with 0', async () => {
    await using set = await RedisReplicaSet.start({ replicas: 1 });
    const master = set.client();
    set.replicas[0]!.pause();
    await master.set('paused', '1');
    expect(await master.wait(1, 100)).to.equal(0);
    set.replicas[0]!.resume();
    expect(await master.wait(1, 5000)).to.equal(1);
  });

  it('promote() makes a replica the master (REPLICAOF NO ONE); the old master follows it', async () => {
    await using set = await RedisReplicaSet.start({ replicas: 1 });
    const [oldMaster, replica] = set.servers;
    await set.client().set('before', '1');
    await set.synced();
    const promoted = await set.promote();
    expect(promoted).to.equal(replica);
    expect(set.master).to.equal(replica);
    expect(set.replicas).to.deep.equal([oldMaster]);
    expect((await promoted.client().role())[0]).to.equal('master');
    await set.client().set('after', '2'); // a client of the new master
    await set.synced();
    expect(await oldMaster!.client().get('after')).to.equal('2');
    expect(await oldMaster!.client().get('before')).to.equal('1');
  });

  it('killMaster() SIGKILLs the master and promotes a replica; writes held back from it are lost', async () => {
    await using set = await RedisReplicaSet.start({ replicas: 2 });
    const [oldMaster, first, second] = set.servers;
    const master = set.client();
    await master.set('replicated', '1');
    await set.synced();
    set.holdReplication(first!);
    await master.set('unreplicated', '1');
    const promoted = await set.killMaster(first);
    expect(oldMaster!.running).to.equal(false);
    expect(promoted).to.equal(first);
    expect(set.replicas).to.deep.equal([second]);
    const client = promoted.client();
    expect(await client.get('replicated')).to.equal('1');
    expect(await client.get('unreplicated')).to.equal(null);
    await client.set('on the new master', '1');
    await set.synced();
    expect(await second!.client().get('on the new master')).to.equal('1');
  });

  it('validates its arguments', async () => {
    await expect(RedisReplicaSet.start({ replicas: 0 })).to.be.rejectedWith(RangeError);
    await using set = await RedisReplicaSet.start();
    expect(() => set.holdReplication(set.master)).to.throw(/not a replica/);
    await expect(set.promote(set.master)).to.be.rejectedWith(/not a replica/);
  });
});
