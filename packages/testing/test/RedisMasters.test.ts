import { expect } from './chai.js';
import { RedisMasters } from '../src/index.js';
import { processGone } from './helpers.js';

describe('RedisMasters', () => {
  it('start(3) gives 3 servers on distinct ports that all answer', async () => {
    const masters = await RedisMasters.start(3);
    const pids = masters.servers.map((s) => s.pid ?? -1);
    try {
      const ports = masters.servers.map((s) => s.port);
      expect(new Set(ports).size).to.equal(3);
      expect(ports).to.not.include(6379);
      const clients = masters.clients();
      expect(clients).to.have.length(3);
      expect(await Promise.all(clients.map((c) => c.ping()))).to.deep.equal(['PONG', 'PONG', 'PONG']);
      // Independent: a key written to one is absent from the others.
      await clients[0]!.set('only-on-first', '1');
      expect(await clients[1]!.exists('only-on-first')).to.equal(0);
    } finally {
      await masters.stop();
    }
    expect(masters.servers.every((s) => !s.running)).to.equal(true);
    expect(pids.every(processGone)).to.equal(true);
    await masters.stop(); // idempotent
  });

  it('rejects a non-positive count', async () => {
    await expect(RedisMasters.start(0)).to.be.rejectedWith(RangeError);
  });
});
