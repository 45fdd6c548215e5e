import { LockKeyError } from '@deadbolt/core';
import { expect } from 'chai';
import fc from 'fast-check';
import { deriveKeys, type KeyRules } from '../src/deriveKeys.js';

const rules: KeyRules = { maxKeys: 16, onMissingKey: 'reject' };

describe('deriveKeys', () => {
  it('skips locking for false always, and for undefined only with onMissingKey: skip', () => {
    expect(deriveKeys(false, { id: '1' }, rules)).to.deep.equal({ type: 'skip' });
    expect(deriveKeys(undefined, {}, { ...rules, onMissingKey: 'skip' })).to.deep.equal({ type: 'skip' });
    const missing = deriveKeys(undefined, { id: '1' }, rules);
    expect(missing.type === 'invalid' && missing.error.code).to.equal('ERR_LOCK_KEY_MISSING');
  });

  it('reports the app.use mistake when there are no route params', () => {
    for (const answer of ['order:undefined', '', ['a', 'b:undefined']]) {
      for (const params of [{}, undefined, null]) {
        const derived = deriveKeys(answer, params, rules);
        expect(derived.type).to.equal('invalid');
        if (derived.type === 'invalid') {
          expect(derived.error.code).to.equal('ERR_LOCK_KEY_UNMOUNTED');
          expect(derived.error.message).to.match(/Mount it on the route/);
        }
      }
    }
  });

  it('lists route params given as a function only for a key that looks unmounted', () => {
    let listed = 0;
    const params = (found: Record<string, string>) => () => {
      listed += 1;
      return found;
    };
    expect(deriveKeys('order:1', params({}), rules)).to.deep.equal({ type: 'lock', keys: ['order:1'] });
    expect(listed, 'a usable key does not list them').to.equal(0);
    const unmounted = deriveKeys('order:undefined', params({}), rules);
    expect(unmounted.type === 'invalid' && unmounted.error.code).to.equal('ERR_LOCK_KEY_UNMOUNTED');
    expect(deriveKeys('', params({ id: '' }), rules).type, 'params matched: a plain bad key').to.equal(
      'invalid',
    );
    const empty = deriveKeys('', params({ id: '' }), rules);
    expect(empty.type === 'invalid' && empty.error.code).to.not.equal('ERR_LOCK_KEY_UNMOUNTED');
    expect(listed).to.equal(3);
  });

  it('tells empty keys, wrong types, unusable names and too many keys apart, each a LockKeyError', () => {
    const code = (answer: unknown, params: unknown = { id: '1' }) => {
      const derived = deriveKeys(answer as never, params, rules);
      if (derived.type !== 'invalid') return derived.type;
      expect(derived.error).to.be.instanceOf(LockKeyError);
      return derived.error.code;
    };
    expect(code('')).to.equal('ERR_LOCK_KEY_EMPTY');
    expect(code([])).to.equal('ERR_LOCK_KEY_EMPTY');
    expect(code(42)).to.equal('ERR_LOCK_KEY_TYPE');
    expect(code({ id: 1 })).to.equal('ERR_LOCK_KEY_TYPE');
    expect(code(['a', 1])).to.equal('ERR_LOCK_KEY_TYPE');
    expect(code('x'.repeat(513))).to.equal('ERR_LOCK_KEY_INVALID');
    expect(code('é'.repeat(257))).to.equal('ERR_LOCK_KEY_INVALID');
    expect(code('\uD800')).to.equal('ERR_LOCK_KEY_INVALID');
    expect(code('x'.repeat(512))).to.equal('lock');
    expect(code(Array.from({ length: 16 }, (_, i) => `k${i}`))).to.equal('lock');
    expect(code(Array.from({ length: 17 }, (_, i) => `k${i}`))).to.equal('ERR_LOCK_KEY_LIMIT');
    expect(code(Array.from({ length: 40 }, () => 'same'))).to.equal('lock'); // distinct keys count
  });

  it('passes every usable key through, distinct and sorted (the order they are locked in)', () => {
    const usable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((k) => Buffer.byteLength(k) <= 512);
    fc.assert(
      fc.property(fc.oneof(usable, fc.array(usable, { minLength: 1, maxLength: 4 })), (answer) => {
        expect(deriveKeys(answer, { id: '1' }, rules)).to.deep.equal({
          type: 'lock',
          keys: [...new Set(Array.isArray(answer) ? answer : [answer])].sort(),
        });
      }),
    );
  });
});
