import { LockRedisError } from '@deadbolt/core';
import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { AcquireStops } from '../src/AcquireStops.js';

describe('AcquireStops', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(function () {
    clock.uninstall();
  });

  it('aborts an acquire still open when its guard runs out, with a LockRedisError', function () {
    const stops = new AcquireStops(1_000);
    const stop = stops.open();
    clock.tick(999);
    expect(stop.signal.aborted).to.equal(false);
    clock.tick(1);
    expect(stop.signal.aborted).to.equal(true);
    expect(stop.signal.reason).to.be.instanceOf(LockRedisError);
    expect(stops.pending).to.equal(0);
  });

  it('runs every guard on one Node timer, in the order they were armed, skipping the closed ones', function () {
    const stops = new AcquireStops(1_000);
    const first = stops.open();
    clock.tick(100);
    const second = stops.open();
    clock.tick(100);
    const third = stops.open();
    expect(clock.countTimers(), 'one Node timer for three guards').to.equal(1);
    stops.close(first);
    const signals = [second.signal, third.signal];
    clock.tick(900);
    expect(signals.map((signal) => signal.aborted)).to.deep.equal([true, false]);
    clock.tick(100);
    expect(signals.map((signal) => signal.aborted)).to.deep.equal([true, true]);
    expect(clock.countTimers(), 'no timer once the line is empty').to.equal(0);
  });

  it('never aborts a closed stop, and hands its unaborted signal to a later acquire', function () {
    const stops = new AcquireStops(1_000);
    const stop = stops.open();
    const signal = stop.signal;
    stops.close(stop);
    stop.abort(new Error('late'));
    expect(signal.aborted, 'a closed stop no longer aborts').to.equal(false);
    const next = stops.open();
    expect(next.signal, 'the controller is reused').to.equal(signal);
    clock.tick(1_000);
    expect(next.signal.aborted, 'the reused signal has the new guard').to.equal(true);
    expect(stops.open().signal, 'an aborted controller is not reused').to.not.equal(signal);
  });

  it('does not reuse a controller the request aborted', function () {
    const stops = new AcquireStops(1_000);
    const stop = stops.open();
    const signal = stop.signal;
    stop.abort(new Error('The response ended'));
    stops.close(stop);
    expect(signal.reason).to.have.property('message', 'The response ended');
    expect(stops.open().signal).to.not.equal(signal);
  });

  it('arms no timer without a bound (wait: Infinity)', function () {
    const stops = new AcquireStops(Number.POSITIVE_INFINITY);
    const stop = stops.open();
    expect(clock.countTimers()).to.equal(0);
    expect(stops.pending).to.equal(0);
    stops.close(stop);
  });

  it('keeps the line short while most acquires settle in order', function () {
    const stops = new AcquireStops(1_000);
    const slow = stops.open();
    for (let i = 0; i < 3_000; i++) stops.close(stops.open());
    expect(stops.pending).to.equal(1);
    stops.close(slow);
    stops.close(stops.open());
    expect(stops.pending).to.equal(0);
    clock.tick(1_000);
    expect(clock.countTimers()).to.equal(0);
  });
});
