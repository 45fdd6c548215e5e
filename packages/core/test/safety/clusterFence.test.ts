// Issue 17, defect 2: on a Redis Cluster, a lock on keys in several slots takes the highest of its slots'
// fences. Each slot stored only its own, so when the holder never extended or released (a crash, a pause,
// `renew: false`), a later single-key grant on a slot whose counter was lower got a LOWER fence than the
// abandoned multi-slot lock: the former holder's late writes would beat the new holder at a fenced resource.
import type { Cluster } from 'ioredis';
import { RedisCluster } from '@deadbolt/testing';
import { createLocker, lockKeys, type Locker } from '../../src/index.js';
import { splitBySlot } from '../../src/cluster/splitBySlot.js';
import { lockTarget } from '../../src/keys/target.js';
import { expect } from '../quorumHelpers.js';

/** Trials (multi-slot locks, each abandoned); the issue asks for at least 80. */
const TRIALS = 80;
/** User keys per multi-slot lock: each of them is later locked alone, so one trial checks them all. */
const KEYS_PER_TRIAL = 5;
/** Trials run side by side (on distinct keys) to keep the suite short. */
const PARALLEL = 8;
/** Short, so that an abandoned lease expires quickly; long enough for a grant on a loaded machine. */
const TTL = 300;

// The fence is the backend's bookkeeping, the same for every client library: ioredis only, to keep it cheap.
describe('safety: Cluster fences of an abandoned multi-slot lock (issue 17, defect 2)', function () {
  this.timeout(120_000);
  let cluster: RedisCluster;
  let admin: Cluster;
  let locker: Locker;

  before(async () => {
    cluster = await RedisCluster.start({ masters: 3 });
    admin = cluster.client();
    locker = createLocker(cluster.client(), { ttl: TTL });
  });
  after(async () => {
    await locker.close();
    admin.disconnect();
    await cluster.stop();
  });

  /** One trial: a multi-slot lock that is never extended nor released, then each of its keys alone. */
  async function trial(run: string, index: number): Promise<{ key: string; below: number }[]> {
    const keys = Array.from({ length: KEYS_PER_TRIAL }, (_, j) => `${run}:t${index}:k${j}`);
    expect(splitBySlot(lockTarget('deadbolt', keys)).length, 'slots of the lock').to.be.greaterThan(1);
    const abandoned = await locker.acquire(keys, { renew: false, wait: 5_000 });
    const lower: { key: string; below: number }[] = [];
    for (const key of keys) {
      // Waits (polling: a Cluster waiter is not woken) until the abandoned lease has expired.
      const later = await locker.acquire(key, { renew: false, wait: 5_000 });
      if (later.fence <= abandoned.fence) lower.push({ key, below: abandoned.fence - later.fence });
      await later.release();
    }
    return lower;
  }

  it(`a later single-key grant is above the abandoned lock's fence, in each of ${TRIALS} trials`, async () => {
    const run = `fence-${Date.now()}`;
    const failures: string[] = [];
    for (let batch = 0; batch < TRIALS; batch += PARALLEL) {
      const results = await Promise.all(Array.from({ length: PARALLEL }, (_, i) => trial(run, batch + i)));
      results.forEach((lower, i) => {
        if (lower.length > 0)
          failures.push(`trial ${batch + i}: ${lower.map((l) => `${l.key} lower by ${l.below}`).join(', ')}`);
      });
    }
    expect(failures, `${failures.length} of ${TRIALS} trials gave a lower fence`).to.deep.equal([]);
  });

  it("every slot stores the multi-slot lock's fence as soon as the lock is returned", async () => {
    const keys = Array.from({ length: KEYS_PER_TRIAL }, (_, j) => `stored-${Date.now()}:k${j}`);
    const lock = await locker.acquire(keys, { renew: false });
    for (const key of keys) {
      const stored = Number(await admin.get(lockKeys('deadbolt', key).fence));
      expect(stored, key).to.be.at.least(lock.fence);
    }
    await lock.release();
  });

  it("extend and release write the multi-slot lock's fence to every slot again", async () => {
    const keys = Array.from({ length: KEYS_PER_TRIAL }, (_, j) => `again-${Date.now()}:k${j}`);
    const lock = await locker.acquire(keys, { renew: false });
    /** Sets every key's fence counter below the lock's fence (as a counter that expired and restarted would be). */
    const lowerCounters = () =>
      Promise.all(keys.map((key) => admin.set(lockKeys('deadbolt', key).fence, '1', 'PX', 60_000)));
    const stored = () =>
      Promise.all(keys.map(async (key) => Number(await admin.get(lockKeys('deadbolt', key).fence))));

    await lowerCounters();
    await lock.extend(TTL * 10); // rejects unless every slot extended
    for (const [i, fence] of (await stored()).entries())
      expect(fence, `after extend: ${keys[i]}`).to.be.at.least(lock.fence);

    await lowerCounters();
    expect(await lock.release(), 'release').to.equal(true);
    for (const [i, fence] of (await stored()).entries())
      expect(fence, `after release: ${keys[i]}`).to.be.at.least(lock.fence);
  });
});
