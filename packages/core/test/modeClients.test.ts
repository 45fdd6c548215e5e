import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, LockModeError } from '@deadbolt/core';
import { eachClientBackend } from './support/backends.js';
import { keyNames } from './support/modes.js';

use(chaiAsPromised);

describe('permits and read shares on every client library', function () {
  eachClientBackend((backend) => {
    it('grants, refuses, reports a mode mismatch, extends, waits and releases', async function () {
      const prefix = backend().prefix();
      const locker = createLocker(backend().client(), { prefix });
      const permit = await locker.acquire('k', { limit: 1 });
      expect(permit.fence).to.be.a('number').greaterThan(0);
      expect(await locker.tryAcquire('k', { limit: 1 })).to.equal(null);
      await expect(locker.acquire('k', { shared: true })).to.be.rejectedWith(LockModeError);
      await permit.extend(5_000);
      const waiting = locker.acquire('k', { limit: 1, wait: 10_000 });
      expect(await permit.release()).to.equal(true);
      const next = await waiting;
      expect(next.fence).to.be.greaterThan(permit.fence);
      expect(await next.release()).to.equal(true);
      const reads = [
        await locker.acquire('r', { shared: true }),
        await locker.acquire('r', { shared: true }),
      ];
      expect(await Promise.all(reads.map((read) => read.release()))).to.deep.equal([true, true]);
      expect(await keyNames(backend(), prefix)).to.deep.equal(['{k}:fence', '{r}:fence']);
      await locker.close();
    });
  });
});
