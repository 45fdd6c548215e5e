import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, HISTOGRAM_BUCKETS_MS, LockConfigError, type LockerEvents } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';

describe('observability: events, metrics, logger', function () {
  eachBackend((backend) => {
    it('emits waited, acquired, extended and released with their details', async function () {
      // A ttl a loaded machine's round trip cannot eat (at 150 ms a slow grant was dropped and retried, or a late
      // renewal lost the lease); a renewal still comes within a third of it.
      const locker = createLocker(backend().connect(), { prefix: backend().prefix(), ttl: 1_000 });
      const seen: string[] = [];
      const names: (keyof LockerEvents)[] = ['waited', 'acquired', 'extended', 'released', 'busy'];
      for (const name of names) locker.on(name, () => seen.push(name));
      let released: LockerEvents['released'][0] | undefined;
      locker.on('released', (info) => (released = info));
      const first = await locker.acquire('events');
      const second = locker.acquire('events', { wait: 5_000 });
      await waitUntil(() => seen.includes('waited'));
      await waitUntil(() => seen.includes('extended'), { description: 'a renewal' });
      await first.release();
      const lock = await second;
      expect(released?.held).to.equal(true);
      expect(released?.heldFor).to.be.at.least(0);
      expect(seen.slice(0, 2)).to.deep.equal(['acquired', 'waited']);
      expect(seen.filter((name) => name === 'acquired')).to.have.length(2);
      await lock.release();
      await locker.close();
    });

    it('counts into metrics with constant memory, whether or not anyone listens', async function () {
      const locker = createLocker(backend().connect(), { prefix: backend().prefix(), renew: false });
      for (let i = 0; i < 50; i++) await (await locker.acquire(`k${i % 3}`)).release();
      await locker.acquire('held');
      await locker.acquire('held', { wait: 0 }).catch(() => null);
      const metrics = locker.metrics();
      expect(metrics).to.include({ acquired: 51, released: 50, busy: 1, held: 1, lost: 0 });
      expect(metrics.waitMs.buckets).to.deep.equal(HISTOGRAM_BUCKETS_MS);
      expect(metrics.waitMs.count).to.equal(51);
      expect(metrics.waitMs.counts).to.have.length(HISTOGRAM_BUCKETS_MS.length + 1);
      expect(metrics.holdMs.count).to.equal(50);
      expect(metrics.waitMs.counts.at(-1)).to.equal(51); // cumulative: the last bucket holds everything
      expect(locker.listenerCount('acquired')).to.equal(0);
      await locker.close();
    });

    it('reports a lost lock to the logger and counts it', async function () {
      const warnings: string[] = [];
      const logger = { warn: (message: string) => void warnings.push(message), error: () => {} };
      const locker = createLocker(backend().connect(), {
        prefix: backend().prefix(),
        ttl: 50,
        renew: false,
        logger,
      });
      const lock = await locker.acquire('logged');
      await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
      expect(warnings.some((message) => message.includes('was lost'))).to.equal(true);
      expect(locker.metrics().lost).to.equal(1);
      let released: LockerEvents['released'][0] | undefined;
      locker.on('released', (info) => (released = info));
      await lock.release(); // the holder's usual release, after the loss: an event, but not a second count
      expect(released).to.include({ wasLost: true });
      expect(locker.metrics()).to.include({ acquired: 1, lost: 1, released: 0, held: 0 });
      expect(locker.metrics().holdMs.count).to.equal(1);
      await locker.close();
    });
  });

  it('refuses a logger without warn and error', function () {
    const client = { eval: () => Promise.resolve(0), evalsha: () => Promise.resolve(0) };
    expect(() => createLocker(client, { logger: { info() {} } as never })).to.throw(
      LockConfigError,
      /logger/,
    );
  });
});
