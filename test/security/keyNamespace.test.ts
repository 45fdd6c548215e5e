// Threat: a lock key taken from a request escapes its namespace: it lands on another lock's keys (its lease,
// fence counter or queue), outside the locker's prefix, or in another Cluster hash slot than the rest of its
// lock. deadbolt encodes every user key (`encodeKey`) into `<prefix>:{<encoded>}` plus fixed suffixes.
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import fc from 'fast-check';
import { createLocker, encodeKey, LockConfigError, lockKeys, MAX_KEY_BYTES } from '@deadbolt/core';
import { eachBackend } from '../../packages/core/test/support/backends.js';
import { lockerPerTest } from './support/lockerPerTest.js';
import { LUA_INJECTION_KEYS, NAMESPACE_ESCAPE_KEYS } from './support/hostileKeys.js';

use(chaiAsPromised);

/** The part of a key Redis Cluster hashes: the text between the first `{` and the next `}`, if not empty. */
function hashTag(key: string): string {
  const open = key.indexOf('{');
  const close = open === -1 ? -1 : key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/** Lock keys as the locker accepts them: well-formed, non-empty, at most MAX_KEY_BYTES of UTF-8. */
const userKey = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((key) => key.isWellFormed() && Buffer.byteLength(key) <= MAX_KEY_BYTES);

describe('security: a lock key cannot escape its namespace', function () {
  it('every Redis key of a lock is <prefix>:{encoded key}…, hashed on the encoded key alone', function () {
    fc.assert(
      fc.property(userKey, fc.constantFrom('deadbolt', 'app', 'tenant-a:locks'), (key, prefix) => {
        const encoded = encodeKey(key);
        expect(encoded).to.match(/^[A-Za-z0-9._~:/%-]+$/);
        const keys = lockKeys(prefix, key);
        for (const redisKey of Object.values(keys) as string[]) {
          expect(redisKey.startsWith(`${prefix}:{${encoded}}`)).to.equal(true);
          expect(hashTag(redisKey)).to.equal(encoded);
        }
      }),
    );
  });

  it('distinct keys never share a Redis key: the encoding is injective', function () {
    fc.assert(
      fc.property(userKey, userKey, (a, b) => {
        fc.pre(a !== b);
        const keysOfA = new Set(Object.values(lockKeys('deadbolt', a)));
        for (const redisKey of Object.values(lockKeys('deadbolt', b)))
          expect(keysOfA.has(redisKey)).to.equal(false);
      }),
    );
    const encodings = new Set([...NAMESPACE_ESCAPE_KEYS, ...LUA_INJECTION_KEYS].map(encodeKey));
    expect(encodings.size).to.equal(NAMESPACE_ESCAPE_KEYS.length + LUA_INJECTION_KEYS.length);
  });

  it('refuses prefixes that could open a hash tag or split a key', function () {
    const fakeRedis = {
      eval: () => Promise.reject(new Error('no command may be sent')),
      evalsha: () => undefined,
    };
    for (const prefix of ['a{b', 'a}b', 'a b', 'a\nb', '', 'x'.repeat(65)]) {
      expect(() => createLocker(fakeRedis as never, { prefix }), JSON.stringify(prefix)).to.throw(
        LockConfigError,
      );
    }
  });

  eachBackend((backend) => {
    const t = lockerPerTest(backend);

    it('hostile keys are locked independently of each other, and only under the prefix', async function () {
      const hostile = [...NAMESPACE_ESCAPE_KEYS, ...LUA_INJECTION_KEYS];
      const before = new Set(await backend().connect().keys('*'));
      // All held at once with wait 0: if one key landed on another's lease, fence or queue, an acquire fails.
      const locks = await Promise.all(hostile.map((key) => t.locker.acquire(key)));
      expect(locks.map((lock) => lock.key)).to.deep.equal(hostile);
      const keys = await backend().keys(t.prefix);
      // Every key these acquires created, wherever it landed (the root included), is under the prefix.
      const created = (await backend().connect().keys('*')).filter((key) => !before.has(key));
      expect(created.length, 'the acquires created keys').to.be.at.least(hostile.length);
      expect(created.filter((key) => !key.startsWith(`${t.prefix}:{`))).to.deep.equal([]);
      for (const { key } of keys) {
        expect(key.startsWith(`${t.prefix}:{`)).to.equal(true);
        expect(hostile.map(encodeKey)).to.include(hashTag(key));
      }
      // A key shaped like another lock's fence counter did not touch that counter: `x` still grants in order.
      const x = locks[hostile.indexOf('x')];
      const fence = x?.fence ?? 0;
      await Promise.all(locks.map((lock) => lock.release()));
      const again = await t.locker.acquire('x');
      expect(again.fence).to.be.greaterThan(fence);
      await again.release();
      expect(await backend().keys(t.prefix)).to.satisfy((left: { key: string }[]) =>
        left.every(({ key }) => key.endsWith(':fence')),
      );
    });

    it('refuses an oversized, empty or malformed key before sending anything', async function () {
      for (const key of ['', 'x'.repeat(MAX_KEY_BYTES + 1), 'é'.repeat(MAX_KEY_BYTES / 2 + 1), '\ud800']) {
        await expect(t.locker.acquire(key)).to.be.rejectedWith(LockConfigError);
      }
      expect(await backend().keys(t.prefix)).to.deep.equal([]);
    });
  });
});
