import { expect } from './chai.js';
import { RedisServer, useRedisServer } from '../src/index.js';
import { recordingHooks } from './helpers.js';

describe('useRedisServer', () => {
  describe('with the global mocha hooks', () => {
    const redis = useRedisServer();

    it('provides a running server inside the suite', async () => {
      expect(redis.server).to.be.instanceOf(RedisServer);
      expect(redis.server.running).to.equal(true);
      expect(await redis.server.client().ping()).to.equal('PONG');
    });
  });

  it('starts the server in `before` and stops it in `after`', async () => {
    const { hooks, registered } = recordingHooks();
    const fixture = useRedisServer({ hooks });
    expect(registered.before).to.have.length(1);
    expect(registered.after).to.have.length(1);
    expect(() => fixture.server).to.throw(/only available inside the suite/);

    for (const hook of registered.before) await hook();
    const server = fixture.server;
    expect(server.running).to.equal(true);

    for (const hook of registered.after) await hook();
    expect(server.running).to.equal(false);
    expect(() => fixture.server).to.throw(/only available inside the suite/);
  });
});
