import { expect } from 'chai';
import fc from 'fast-check';
import { createLocker, encodeKey, lockKeys, type Lock } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';

/** Keys made of the characters that break naive key schemes. */
const hostileKey = fc
  .array(
    fc.oneof(
      fc.constantFrom('{', '}', ':', '*', '\r', '\n', ' ', '%', '€', '日本', '🔒', 'a', 'Z', '0'),
      fc.string(),
    ),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((parts) => parts.join(''))
  .filter((key) => key.length > 0 && key.isWellFormed() && Buffer.byteLength(key) <= 512);

describe('key encoding (property)', function () {
  it('is injective and never leaves the hash tag or the prefix', function () {
    fc.assert(
      fc.property(hostileKey, hostileKey, (a, b) => {
        const ka = lockKeys('app', a);
        expect(ka.lease.startsWith('app:{')).to.equal(true);
        expect(ka.lease.slice('app:{'.length, -1)).to.not.match(/[{}\s*]/);
        expect(ka.lease.endsWith('}')).to.equal(true);
        if (a !== b) expect(encodeKey(a)).to.not.equal(encodeKey(b));
      }),
      { numRuns: 500 },
    );
  });
});

describe('core properties', function () {
  eachBackend((backend) => {
    it('locks hostile keys as themselves: distinct keys never collide', async function () {
      const redis = backend().connect();
      const locker = createLocker(redis, { prefix: backend().prefix(), renew: false });
      await fc.assert(
        fc.asyncProperty(fc.uniqueArray(hostileKey, { minLength: 2, maxLength: 5 }), async (keys) => {
          const locks = await Promise.all(keys.map((key) => locker.acquire(key, { wait: 0 })));
          expect(locks.map((lock) => lock.key)).to.deep.equal(keys);
          for (const key of keys) expect(await locker.tryAcquire(key)).to.equal(null);
          await Promise.all(locks.map((lock) => lock.release()));
        }),
        { numRuns: 25 },
      );
      await locker.close();
      redis.disconnect();
    });

    it('fences strictly increase over random acquire / release / expire sequences and two lockers', async function () {
      const admin = backend().connect();
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ locker: fc.constantFrom(0, 1), end: fc.constantFrom('release', 'expire') }), {
            minLength: 1,
            maxLength: 12,
          }),
          async (steps) => {
            const prefix = backend().prefix();
            const connections = [backend().connect(), backend().connect()];
            const lockers = connections.map((redis) => createLocker(redis, { prefix, renew: false }));
            let last = 0;
            let held: Lock | undefined;
            for (const step of steps) {
              if (held) {
                // The previous grant ends as the step says before the next one.
                if (step.end === 'release') await held.release();
                else await admin.del(`${prefix}:{k}`); // what an expiry leaves on the server
              }
              held = await (lockers[step.locker] ?? lockers[0])?.acquire('k', { wait: 0 });
              expect(held?.fence).to.be.greaterThan(last);
              last = held?.fence ?? Infinity;
            }
            await Promise.all(lockers.map((locker) => locker.close()));
            connections.forEach((redis) => redis.disconnect());
          },
        ),
        { numRuns: 20 },
      );
      admin.disconnect();
    });
  });
});
