import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { RedisMasters } from '@deadbolt/testing';
import { createLocker } from '../src/index.js';
import { bringBack, expect, storedFences } from './quorumHelpers.js';

/** How a holder's turn ends. `crash`: its connections drop, nothing is released, the lease expires. */
type End = 'release' | 'extend-release' | 'crash' | 'extend-crash';

describe('quorum fence guarantee', function () {
  this.timeout(90_000);
  let masters: RedisMasters;
  let admin: Redis[];

  before(async () => {
    masters = await RedisMasters.start(3);
    admin = masters.clients();
  });
  after(async () => {
    await masters.stop();
  });
  afterEach(async () => {
    await bringBack(masters.servers, admin);
  });

  it('after a successful extend or release, every reachable master stores at least the lock fence', async () => {
    const locker = createLocker(admin, { ttl: 2_000, renew: false });
    const key = 'pushed';
    await masters.servers[2]!.kill();
    const lock = await locker.acquire(key, { wait: 0 });
    await bringBack(masters.servers, admin);
    // The restarted master lost whatever it had; the extend pushes the lock's fence to it.
    await admin[2]!.del(`deadbolt:{${key}}:fence`);
    await lock.extend();
    expect(Math.min(...(await storedFences(admin, key)))).to.be.at.least(lock.fence);
    await lock.release();
    expect(Math.min(...(await storedFences(admin, key)))).to.be.at.least(lock.fence);
    await locker.close();
  });

  it('fences strictly increase over sequential grants on random majorities (one master down per grant)', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            down: fc.option(fc.integer({ min: 0, max: 2 }), { nil: undefined }),
            outage: fc.constantFrom('pause' as const, 'kill' as const),
            end: fc.constantFrom<End>('release', 'extend-release', 'crash', 'extend-crash'),
          }),
          { minLength: 6, maxLength: 10 },
        ),
        async (steps) => {
          const key = `sequence-${(round += 1)}`;
          let last = 0;
          for (const step of steps) {
            const clients = masters.clients();
            const locker = createLocker(clients, { ttl: 300, renew: false });
            const down = step.down === undefined ? undefined : masters.servers[step.down]!;
            if (down && step.outage === 'kill') await down.kill();
            else down?.pause();
            const lock = await locker.acquire(key, { wait: 5_000 });
            expect(lock.fence, JSON.stringify(step)).to.be.greaterThan(last);
            last = lock.fence;
            if (step.end.startsWith('extend')) await lock.extend();
            if (step.end.endsWith('release')) await lock.release();
            else for (const client of clients) client.disconnect(); // crash: nothing more reaches Redis
            await bringBack(masters.servers, admin);
            await locker.close();
            for (const client of clients) client.disconnect();
          }
        },
      ),
      { numRuns: 3, verbose: true },
    );
  });
});
