import { expect } from './chai.js';
import { RedisCluster } from '../src/index.js';

describe('RedisCluster failover', function () {
  this.timeout(60_000);

  let cluster: RedisCluster;
  beforeEach(async () => {
    cluster = await RedisCluster.start({ masters: 3, replicas: 1 });
  });
  afterEach(async () => {
    await cluster?.stop();
  });

  it('replicasOf() lists the replica of each master', async () => {
    const replicas = await Promise.all(cluster.servers.slice(0, 3).map((m) => cluster.replicasOf(m)));
    expect(replicas.map((r) => r.length)).to.deep.equal([1, 1, 1]);
    expect(new Set(replicas.flat())).to.deep.equal(new Set(cluster.servers.slice(3)));
  });

  it('failover() promotes a replica with CLUSTER FAILOVER; no acknowledged write is lost', async () => {
    const client = cluster.client();
    await client.set('{fo}:k', 'v');
    const slot = Number(await client.cluster('KEYSLOT', '{fo}:k'));
    const oldMaster = await cluster.slotOwner(slot);
    const [replica] = await cluster.replicasOf(oldMaster);
    await cluster.failover(replica!);
    expect(await cluster.slotOwner(slot)).to.equal(replica);
    expect((await oldMaster.client().role())[0]).to.equal('slave');
    expect(await client.get('{fo}:k')).to.equal('v'); // the client follows MOVED to the new master
    await expect(cluster.failover(replica!)).to.be.rejectedWith(/not a replica/); // a master now
  });

  it('killMaster() SIGKILLs a master; the cluster promotes its replica after the node timeout', async () => {
    const client = cluster.client();
    const slot = Number(await client.cluster('KEYSLOT', '{kill}:k'));
    const master = await cluster.slotOwner(slot);
    const [replica] = await cluster.replicasOf(master);
    const direct = master.client();
    await direct.set('{kill}:k', 'v');
    expect(await direct.wait(1, 5000)).to.equal(1); // replicated before the crash
    const promoted = await cluster.killMaster(master);
    expect(master.running).to.equal(false);
    expect(promoted).to.equal(replica);
    expect(await cluster.slotOwner(slot)).to.equal(replica);
    expect(await client.get('{kill}:k')).to.equal('v');
    await expect(cluster.killMaster(master)).to.be.rejectedWith(/not a master/);
  });
});
