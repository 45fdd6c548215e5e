import { createLocker } from '@deadbolt/core';
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import { HoldEstimate, holdEstimateOf, INITIAL_HOLD_ESTIMATE_MS } from '../src/HoldEstimate.js';
import { afterEnd } from '../src/RequestLockPhase.js';

describe('HoldEstimate', () => {
  it('starts at 1 s, takes the first hold as it is, then moves a fifth of the way to each new one', () => {
    const estimate = new HoldEstimate();
    expect(estimate.typicalHold).to.equal(INITIAL_HOLD_ESTIMATE_MS);
    estimate.observeHold(200);
    expect(estimate.typicalHold).to.equal(200);
    estimate.observeHold(1_200);
    expect(estimate.typicalHold).to.equal(400);
    for (let i = 0; i < 40; i++) estimate.observeHold(1_200);
    expect(estimate.typicalHold).to.be.closeTo(1_200, 1);
  });

  it('counts the requests in line per key and forgets a key nobody waits for', () => {
    const estimate = new HoldEstimate();
    estimate.enter('a');
    estimate.enter('a');
    estimate.enter('b');
    expect([estimate.inLine('a'), estimate.inLine('b'), estimate.inLine('c')]).to.deep.equal([2, 1, 0]);
    estimate.leave('a');
    estimate.leave('b');
    expect([estimate.inLine('a'), estimate.inLine('b')]).to.deep.equal([1, 0]);
  });

  it('keeps one count per key whichever key enters first and whichever leaves first', () => {
    const estimate = new HoldEstimate();
    estimate.enter('a');
    estimate.enter('b');
    estimate.leave('a');
    estimate.enter('b');
    estimate.enter('a');
    expect([estimate.inLine('a'), estimate.inLine('b')]).to.deep.equal([1, 2]);
    for (const key of ['b', 'b', 'a']) estimate.leave(key);
    expect([estimate.inLine('a'), estimate.inLine('b')]).to.deep.equal([0, 0]);
    estimate.enter('c');
    estimate.enter('c');
    expect(estimate.inLine('c')).to.equal(2);
  });

  it('is one per locker, shared by every middleware on it', async () => {
    const redis = new RedisMock();
    const one = createLocker(redis);
    const two = createLocker(redis);
    expect(holdEstimateOf(one)).to.equal(holdEstimateOf(one));
    expect(holdEstimateOf(one)).to.not.equal(holdEstimateOf(two));
    await Promise.all([one.close(), two.close()]);
    redis.disconnect();
  });
});

describe('afterEnd (the ends a release still waits for)', () => {
  it('releases after the response alone, or after both ends in either order', () => {
    expect(afterEnd('response', 'response')).to.equal(undefined);
    expect(afterEnd('response', 'handler')).to.equal('response'); // Express: the handler's end changes nothing
    expect(afterEnd('both', 'response')).to.equal('handler');
    expect(afterEnd('both', 'handler')).to.equal('response');
    expect(afterEnd('handler', 'handler')).to.equal(undefined);
  });
});
