import { RedisReplicaSet } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, type Locker, lockKeys, LockReplicationError } from '@deadbolt/core';

import { GRANT_WAIT, nextRound } from './support/nextRound.js';

// The replicas option with batched renewal (DESIGN.md, "Replicas" and "Many held locks"): one renewal script
// per batch, then one WAIT per batch; each lease's outcome is what the renewal of that one lock would be.

const keysOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `held-${i}`);

describe('replicas option: renewal in batches, one WAIT per batch', function () {
  this.timeout(30_000);
  let set: RedisReplicaSet;
  let locker: Locker;
  beforeEach(async () => {
    set = await RedisReplicaSet.start({ replicas: 1 });
  });
  afterEach(async () => {
    await locker.close();
    await set.stop();
  });

  it('N held locks renewed in one period cost ceil(N / 100) scripts and as many WAITs, nothing lost', async () => {
    const count = 250;
    locker = createLocker(set.client(), { prefix: 'r', ttl: 1_500, replicas: { wait: 1, timeout: 1_000 } });
    const lost: string[] = [];
    locker.on('lost', ({ key }) => lost.push(key));
    const keys = keysOf(count);
    await Promise.all(keys.map((key) => locker.acquire(key, { wait: GRANT_WAIT })));
    // The first renewals may fall on two aligned moments (the acquires took time); from then on, one.
    await nextRound(locker, keys);
    await set.master.resetStats();
    await nextRound(locker, keys);
    const stats = await set.master.commandStats();
    const batches = Math.ceil(count / 100);
    expect((stats['evalsha'] ?? 0) + (stats['eval'] ?? 0), 'renewal scripts').to.equal(batches);
    expect(stats['wait'] ?? 0, 'WAITs for one round of renewals').to.equal(batches);
    expect(lost).to.deep.equal([]);
    expect(locker.heldCount).to.equal(count);
  });

  it('replication held: each extended lease fails its renewal with its own LockReplicationError, then is lost (expired); a stolen one is lost at once, never waited for', async () => {
    locker = createLocker(set.client(), { prefix: 'r', ttl: 1_500, replicas: { wait: 1, timeout: 50 } });
    const keys = keysOf(5);
    const locks = await Promise.all(keys.map((key) => locker.acquire(key, { wait: GRANT_WAIT })));
    await nextRound(locker, keys);
    const stolen = locks[2]!;
    const failures: { key: string; error: Error }[] = [];
    const lost: { key: string; reason: string }[] = [];
    locker.on('renewFailed', ({ key, error }) => failures.push({ key, error }));
    const allLost = new Promise<void>((resolve) =>
      locker.on('lost', ({ key, error }) => {
        lost.push({ key, reason: error.reason });
        if (lost.length === keys.length) resolve();
      }),
    );
    set.holdReplication(set.replicas[0]!);
    await set.client().set(lockKeys('r', stolen.key).lease, 'someone-else', 'PX', 60_000);
    await allLost;
    expect(lost.find(({ key }) => key === stolen.key)).to.deep.equal({ key: stolen.key, reason: 'stolen' });
    const others = keys.filter((key) => key !== stolen.key);
    expect(
      lost.filter(({ key }) => key !== stolen.key).sort((a, b) => a.key.localeCompare(b.key)),
      'each other lock told lost once, at the end of its validity',
    ).to.deep.equal(others.map((key) => ({ key, reason: 'expired' })));
    expect(
      failures.some(({ key }) => key === stolen.key),
      'the stolen lease was never a failed renewal',
    ).to.equal(false);
    expect(new Set(failures.map(({ key }) => key))).to.deep.equal(new Set(others));
    for (const { key, error } of failures) {
      expect(error, key)
        .to.be.instanceOf(LockReplicationError)
        .and.include({ key, required: 1, acknowledged: 0 });
    }
    expect(locks.every((lock) => !lock.held)).to.equal(true);
  });
});
