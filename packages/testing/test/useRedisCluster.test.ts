import { expect } from './chai.js';
import { RedisCluster, useRedisCluster } from '../src/index.js';
import { recordingHooks } from './helpers.js';

describe('useRedisCluster', function () {
  this.timeout(60_000);

  describe('with the global mocha hooks', () => {
    const redis = useRedisCluster({ masters: 2 });

    it('provides one running Cluster for the whole suite', async () => {
      expect(redis.cluster).to.be.instanceOf(RedisCluster);
      expect(redis.cluster.servers).to.have.length(2);
      const client = redis.cluster.client();
      await client.set('{a}:k', 'v');
      expect(await client.get('{a}:k')).to.equal('v');
    });

    it('the same Cluster in the next test', async () => {
      expect(await redis.cluster.client().get('{a}:k')).to.equal('v');
    });
  });

  it('starts the Cluster in `before` and stops it in `after`', async () => {
    const { hooks, registered } = recordingHooks();
    const fixture = useRedisCluster({ masters: 1, hooks });
    expect(registered.before).to.have.length(1);
    expect(registered.after).to.have.length(1);
    expect(() => fixture.cluster).to.throw(/useRedisCluster\(\): only available inside the suite/);

    for (const hook of registered.before) await hook();
    const { servers } = fixture.cluster;
    expect(servers.every((server) => server.running)).to.equal(true);

    for (const hook of registered.after) await hook();
    expect(servers.some((server) => server.running)).to.equal(false);
    expect(() => fixture.cluster).to.throw(/only available inside the suite/);
  });
});
