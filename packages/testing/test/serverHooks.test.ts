import { expect } from './chai.js';
import { addRedisServerHooks, RedisServer } from '../src/index.js';

describe('addRedisServerHooks', () => {
  it('runs started (awaited by start(), the server answering) and stopping, until removed', async () => {
    const events: string[] = [];
    const remove = addRedisServerHooks({
      started: async (server, cluster) => {
        events.push(`started ${server.port} cluster=${String(cluster)} ${await server.client().ping()}`);
      },
      stopping: (server) => void events.push(`stopping ${server.port} running=${String(server.running)}`),
    });
    let server: RedisServer | undefined;
    try {
      server = await RedisServer.start();
      expect(events).to.deep.equal([`started ${server.port} cluster=false PONG`]);
      await server.stop();
      expect(events).to.deep.equal([
        `started ${server.port} cluster=false PONG`,
        `stopping ${server.port} running=true`,
      ]);
    } finally {
      remove();
      await server?.stop();
    }
    const after = await RedisServer.start();
    await after.stop();
    expect(events, 'no hook runs once removed').to.have.length(2);
  });

  it('a started hook that fails fails start() and stops the server it started', async () => {
    let started: RedisServer | undefined;
    const remove = addRedisServerHooks({
      started: (server) => {
        started = server;
        throw new Error('hook failed');
      },
    });
    try {
      await expect(RedisServer.start()).to.be.rejectedWith('hook failed');
      expect(started?.running).to.equal(false);
    } finally {
      remove();
    }
  });
});
