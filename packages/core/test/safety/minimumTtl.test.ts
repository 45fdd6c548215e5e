import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, LockConfigError, MIN_TTL_MS } from '@deadbolt/core';
import { eachBackend } from '../support/backends.js';

use(chaiAsPromised);

// Issue 17: a ttl of 1–2 ms was accepted, could never be granted (its validity, ttl − elapsed − drift with drift =
// floor(ttl × driftFactor) + 2 ms, is never positive) and was then reported as busy.
describe('the shortest lease (issue 17)', function () {
  eachBackend((backend) => {
    it(`refuses a ttl below MIN_TTL_MS (${MIN_TTL_MS} ms) with LockConfigError, before any command`, async function () {
      const prefix = backend().prefix();
      const locker = createLocker(backend().client(), { prefix });
      try {
        for (const ttl of [1, 2, MIN_TTL_MS - 1]) {
          expect(() => createLocker(backend().client(), { ttl }), `locker ttl ${ttl}`).to.throw(
            LockConfigError,
            /"ttl" must be at least 10 ms/,
          );
          await expect(locker.acquire('k', { ttl }), `acquire ttl ${ttl}`).to.be.rejectedWith(
            LockConfigError,
          );
          await expect(locker.tryAcquire('k', { ttl }), `tryAcquire ttl ${ttl}`).to.be.rejectedWith(
            LockConfigError,
          );
        }
        expect(await backend().keys(prefix)).to.deep.equal([]);
      } finally {
        await locker.close();
      }
    });

    it('grants a lease of exactly MIN_TTL_MS, and extend() refuses a shorter one', async function () {
      const locker = createLocker(backend().client(), { prefix: backend().prefix() });
      try {
        // Possible, not certain per attempt: a round trip slower than the 8 ms of validity is retried within `wait`.
        const lock = await locker.acquire('k', { ttl: MIN_TTL_MS, renew: false, wait: 20_000 });
        expect(lock.fence).to.be.greaterThan(0);
        await expect(lock.extend(MIN_TTL_MS - 1)).to.be.rejectedWith(LockConfigError);
        await lock.release();
      } finally {
        await locker.close();
      }
    });
  });
});
