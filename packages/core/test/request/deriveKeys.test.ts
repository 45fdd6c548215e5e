import { deriveKeys } from '@deadbolt/core';
import { expect } from 'chai';
import fc from 'fast-check';

describe('deriveKeys', () => {
  it('skips locking for undefined and false', () => {
    expect(deriveKeys(undefined, {})).to.deep.equal({ type: 'skip' });
    expect(deriveKeys(false, { id: '1' })).to.deep.equal({ type: 'skip' });
  });

  it('reports the app.use mistake when there are no route params', () => {
    for (const answer of ['order:undefined', '', ['a', 'b:undefined']]) {
      for (const params of [{}, undefined, null]) {
        const derived = deriveKeys(answer, params);
        expect(derived.type).to.equal('invalid');
        if (derived.type === 'invalid') {
          expect(derived.error.code).to.equal('ERR_LOCK_KEY_UNMOUNTED');
          expect(derived.error.status).to.equal(500);
          expect(derived.error.message).to.match(/Mount it on the route/);
        }
      }
    }
  });

  it('tells empty keys, wrong types and unusable names apart', () => {
    const code = (answer: unknown, params: unknown = { id: '1' }) => {
      const derived = deriveKeys(answer as never, params);
      return derived.type === 'invalid' ? [derived.error.code, derived.error.status] : derived.type;
    };
    expect(code('')).to.deep.equal(['ERR_LOCK_KEY_EMPTY', 500]);
    expect(code([])).to.deep.equal(['ERR_LOCK_KEY_EMPTY', 500]);
    expect(code(42)).to.deep.equal(['ERR_LOCK_KEY_TYPE', 500]);
    expect(code(['a', 1])).to.deep.equal(['ERR_LOCK_KEY_TYPE', 500]);
    expect(code('x'.repeat(513))).to.deep.equal(['ERR_LOCK_KEY_INVALID', 400]);
    expect(code('é'.repeat(257))).to.deep.equal(['ERR_LOCK_KEY_INVALID', 400]);
    expect(code('\uD800')).to.deep.equal(['ERR_LOCK_KEY_INVALID', 400]);
    expect(code('x'.repeat(512))).to.equal('lock');
  });

  it('passes every usable key through unchanged', () => {
    const usable = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
      .filter((k) => Buffer.byteLength(k) <= 512);
    fc.assert(
      fc.property(fc.oneof(usable, fc.array(usable, { minLength: 1, maxLength: 4 })), (answer) => {
        expect(deriveKeys(answer, { id: '1' })).to.deep.equal({
          type: 'lock',
          keys: Array.isArray(answer) ? answer : [answer],
        });
      }),
    );
  });
});
