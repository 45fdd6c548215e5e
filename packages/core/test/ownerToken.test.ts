// The owner token invariant that EXTEND_MANY relies on without checking each token: every token a locker makes
// is `tag.secret` plus its mode suffix, never empty and never holding a ',' (the batch's field separator).
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import { createLocker } from '../src/index.js';
import { modeSuffix } from '../src/config/mode.js';
import { lockerTagOf, newLockerTag, ownerToken } from '../src/keys/token.js';

/** An owner token: 8 base64url characters of tag, `.`, 24 of secret, then `''`, `~s` or `~N`. */
const OWNER_TOKEN = /^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{24}(?:~s|~[1-9][0-9]*)?$/;

describe('owner tokens: never empty, never a ","', function () {
  it('every token of every mode matches tag.secret[~mode], across several refills of the secret pool', function () {
    const suffixes = [
      modeSuffix(undefined, undefined),
      modeSuffix(undefined, true),
      modeSuffix(4, undefined),
    ];
    expect(suffixes).to.deep.equal(['', '~s', '~4']);
    const tag = newLockerTag();
    const seen = new Set<string>();
    // 256 secrets per pool: 3 000 draws refill it a dozen times.
    for (let index = 0; index < 3_000; index++) {
      const token = ownerToken(tag) + (suffixes[index % suffixes.length] ?? '');
      expect(token).to.match(OWNER_TOKEN);
      expect(token).not.to.include(',');
      expect(lockerTagOf(token)).to.equal(tag);
      seen.add(token);
    }
    expect(seen.size).to.equal(3_000);
  });

  it('the tokens of granted locks (exclusive, permit, read share) are of that form', async function () {
    const redis = new RedisMock();
    const locker = createLocker(redis, { renew: false, wait: 0 });
    try {
      const locks = [
        await locker.acquire('token:exclusive'),
        await locker.acquire('token:permit', { limit: 3 }),
        await locker.acquire('token:read', { shared: true }),
        await locker.acquire(['token:a', 'token:b']),
      ];
      for (const lock of locks) {
        expect(lock.token).to.match(OWNER_TOKEN);
        expect(lock.token).not.to.include(',');
      }
      expect(locks.map((lock) => lock.token.slice(33))).to.deep.equal(['', '~3', '~s', '']);
      for (const lock of locks) expect(await lock.release()).to.equal(true);
    } finally {
      await locker.close();
      redis.disconnect();
    }
  });
});
