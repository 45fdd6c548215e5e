import { expect } from 'chai';
import { LockKeyError } from '../src/errors/LockKeyError.js';
import { TargetCache } from '../src/keys/target.js';

/** Keys enough to roll the cache over more than once (it remembers at most 1 024 keys). */
const MANY = 3_000;

describe('TargetCache: the Redis names of recently locked keys', function () {
  it('builds a key once while it stays hot, also among many fresh keys', function () {
    const cache = new TargetCache('app');
    const hot = cache.get('order:42');
    expect(hot).to.deep.equal({
      keys: ['order:42'],
      leases: ['app:{order%3A42}'],
      channels: ['app:{order%3A42}:wake'],
    });
    for (let index = 0; index < MANY; index++) {
      cache.get(`request:${index}`);
      if (index % 100 === 0) expect(cache.get(['order:42'])).to.equal(hot);
    }
    expect(cache.get('order:42')).to.equal(hot);
  });

  it('forgets a hot key after thousands of other hot keys (bounded memory), and builds it anew', function () {
    const cache = new TargetCache('app');
    const first = cache.get('order:7');
    expect(cache.get('order:7')).to.equal(first);
    for (let index = 0; index < MANY; index++) {
      const other = cache.get(`request:${index}`);
      expect(cache.get(`request:${index}`)).to.equal(other);
    }
    const again = cache.get('order:7');
    expect(again).not.to.equal(first);
    expect(again).to.deep.equal(first);
  });

  it('keeps a key used once on probation only: fresh keys never fill the cache, a second use admits a key', function () {
    const cache = new TargetCache('app');
    const once = cache.get('order:1');
    // 63 other fresh keys: order:1 is still on probation, so its second use finds it and admits it.
    for (let index = 0; index < 63; index++) cache.get(`request:${index}`);
    expect(cache.get('order:1')).to.equal(once);
    const dropped = cache.get('order:2');
    // 64 other fresh keys: probation is dropped whole, so order:2 (used once) is built anew…
    for (let index = 0; index < 64; index++) cache.get(`fresh:${index}`);
    expect(cache.get('order:2')).not.to.equal(dropped);
    // …while order:1, admitted, stays among thousands of fresh keys.
    for (let index = 0; index < MANY; index++) cache.get(`later:${index}`);
    expect(cache.get('order:1')).to.equal(once);
  });

  it('validates every key it has not cached, and builds multi-key targets each time', function () {
    const cache = new TargetCache('app');
    expect(() => cache.get(''))
      .to.throw(LockKeyError)
      .with.property('code', 'ERR_LOCK_KEY_EMPTY');
    const both = cache.get(['b', 'a', 'b']);
    expect(both.keys).to.deep.equal(['a', 'b']);
    expect(cache.get(['a', 'b'])).not.to.equal(both);
  });
});
