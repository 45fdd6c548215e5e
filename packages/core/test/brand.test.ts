// Brand checks across copies of @deadbolt/core (issue 19, item 5): its ESM and CommonJS builds loaded in one program
// are two copies; a second import of the source under another URL is one too. The request layer accepts the locker
// and classifies the errors of either copy through isBranded.
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import * as core from '../src/index.js';
import { isBranded } from '../src/config/validate.js';

type Core = typeof core;

async function secondCopy(): Promise<Core> {
  return (await import(`../src/index.js?copy=${Date.now()}`)) as Core;
}

describe('brand checks across copies of @deadbolt/core', () => {
  it('a second copy is really another copy (instanceof refuses its objects)', async () => {
    const other = await secondCopy();
    expect(other.Locker).to.not.equal(core.Locker);
    expect(new other.LockBusyError('k', 10, 0) instanceof core.LockBusyError).to.equal(false);
  });

  it('accepts a locker and errors of the other copy, and still refuses other classes', async () => {
    const other = await secondCopy();
    const redis = new RedisMock();
    const locker = other.createLocker(redis);
    try {
      expect(isBranded(core.Locker, locker)).to.equal(true);
      const busy = new other.LockBusyError('k', 10, 0);
      expect(isBranded(core.LockBusyError, busy)).to.equal(true);
      expect(isBranded(core.LockError, busy)).to.equal(true);
      expect(isBranded(core.LockLostError, busy)).to.equal(false);
      expect(isBranded(core.LockKeyError, new other.LockKeyError('ERR_LOCK_KEY_EMPTY', 'x'))).to.equal(true);
      expect(isBranded(core.LockConfigError, new other.LockKeyError('ERR_LOCK_KEY_EMPTY', 'x'))).to.equal(
        true,
      );
      expect(isBranded(core.LockBusyError, new other.LockConfigError('x'))).to.equal(false);
      expect(isBranded(core.LockBusyError, { code: 'ERR_LOCK_BUSY' })).to.equal(false);
      expect(isBranded(core.LockError, new Error('x'))).to.equal(false);
      expect(isBranded(core.Locker, null) || isBranded(core.Locker, {})).to.equal(false);
    } finally {
      await locker.close();
      redis.disconnect();
    }
  });
});
