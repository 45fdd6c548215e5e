import { RedisServer, useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, detectDriver, LockLostError, lockKeys, type LockLogger } from '../src/index.js';
import { canEvictLocks, readEvictionSettings, warnIfEvicting } from '../src/redis/evictionPolicy.js';

// Eviction (docs/operations.md): a Redis under `maxmemory` with a policy other than `noeviction` can evict lock
// keys. The locker warns once at creation, and a held lease that Redis evicts is reported lost at the holder's
// next renewal (not before: the server dropped it without telling anyone).

/** A logger that records warnings, and a promise of the first one. */
function recordingLogger(): { logger: LockLogger; warnings: string[]; firstWarning: Promise<string> } {
  const warnings: string[] = [];
  let warned: (message: string) => void = () => {};
  const firstWarning = new Promise<string>((resolve) => (warned = resolve));
  const logger: LockLogger = {
    warn: (message) => {
      warnings.push(message);
      warned(message);
    },
    error: () => {},
  };
  return { logger, warnings, firstWarning };
}

describe('eviction policy', function () {
  it('counts every policy but noeviction as able to evict lock keys', function () {
    const policies = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-ttl'];
    expect(policies.filter(canEvictLocks)).to.deep.equal(policies);
    expect(canEvictLocks('noeviction')).to.equal(false);
  });

  describe('on a real Redis with maxmemory and allkeys-lru', function () {
    const redis = useRedisServer({ args: ['--maxmemory', '3mb', '--maxmemory-policy', 'allkeys-lru'] });

    it('warns once through the logger at locker creation', async function () {
      const { logger, warnings, firstWarning } = recordingLogger();
      const locker = createLocker(redis.server.client(), { prefix: 'warn', logger });
      expect(await firstWarning).to.match(/maxmemory-policy is allkeys-lru \(maxmemory 3145728 bytes\)/);
      await (await locker.acquire('a')).release();
      expect(warnings).to.have.length(1);
      await locker.close();
    });

    it('a held lease that Redis evicts is reported lost at the next renewal; the next fence is still higher', async function () {
      const client = redis.server.client();
      const locker = createLocker(client, { prefix: 'evict', ttl: 3_000 });
      const lock = await locker.acquire('held');
      const lost = new Promise<unknown>((resolve) =>
        lock.signal.addEventListener('abort', () => resolve(lock.signal.reason)),
      );
      const { lease } = lockKeys('evict', 'held');
      const filler = 'x'.repeat(10_000);
      // Fill memory until Redis evicts the lease (KEYS does not touch a key's LRU clock; bounded: 50 MB).
      let batches = 0;
      while ((await client.keys(lease)).length === 1 && batches++ < 100) {
        const pipeline = client.pipeline();
        for (let i = 0; i < 50; i++) pipeline.set(`filler:${batches}:${i}`, filler);
        await pipeline.exec();
      }
      expect(await client.keys(lease), 'the lease was evicted').to.deep.equal([]);
      const reason = await lost;
      expect(reason).to.be.instanceOf(LockLostError).and.to.have.property('reason', 'stolen');
      expect(lock.held).to.equal(false);
      const next = await locker.acquire('held', { wait: 0 });
      expect(next.fence, 'a fence counter that Redis evicted restarts at the server clock').to.be.greaterThan(
        lock.fence,
      );
      await locker.close();
    });
  });

  describe('on a real Redis without eviction', function () {
    it('reads noeviction and does not warn', async function () {
      const server = await RedisServer.start();
      try {
        const { logger, warnings } = recordingLogger();
        const settings = await warnIfEvicting([detectDriver(server.client())], logger);
        expect(settings).to.deep.equal([{ policy: 'noeviction', maxmemory: 0 }]);
        expect(warnings).to.deep.equal([]);
      } finally {
        await server.stop();
      }
    });

    it('ignores a disabled CONFIG command: nothing read, no warning, locks work', async function () {
      const server = await RedisServer.start({ args: ['--rename-command', 'CONFIG', '""'] });
      try {
        const client = server.client();
        expect(await readEvictionSettings(detectDriver(client))).to.equal(undefined);
        const { logger, warnings } = recordingLogger();
        expect(await warnIfEvicting([detectDriver(client)], logger)).to.deep.equal([undefined]);
        const locker = createLocker(client, { logger });
        expect(await (await locker.acquire('a')).release()).to.equal(true);
        await locker.close();
        expect(warnings).to.deep.equal([]);
      } finally {
        await server.stop();
      }
    });
  });
});
