import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { MIN_RENEW_INTERVAL_MS, RenewalSchedule, type RenewalHooks } from '../src/lease/RenewalSchedule.js';
import { TimerQueue } from '../src/lease/TimerQueue.js';

// The renewal timing the README and docs/how-it-works.md promise, on fake timers: every third of the validity,
// never more often than every MIN_RENEW_INTERVAL_MS, a failed renewal retried with jitter inside the validity, and
// the loss reported at the deadline. Counts are exact, so a schedule that renews too rarely fails as surely as one
// that spins.

describe('RenewalSchedule timing (fake timers)', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  let timers: TimerQueue;
  let extendsAt: number[];
  let failures: number;
  let lost: string[];
  let answer: () => Promise<boolean>;
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    timers = new TimerQueue(() => performance.now());
    extendsAt = [];
    failures = 0;
    lost = [];
    answer = () => Promise.resolve(true);
  });
  afterEach(function () {
    timers.clear();
    clock.uninstall();
  });

  function schedule(ttl: number, drift = 0): RenewalSchedule {
    const hooks: RenewalHooks = {
      now: () => performance.now(),
      drift: () => drift,
      extend: () => {
        extendsAt.push(performance.now());
        return answer();
      },
      renewed: () => undefined,
      failed: () => void failures++,
      lost: (reason) => void lost.push(`${reason}@${performance.now()}`),
    };
    return new RenewalSchedule(hooks, { start: performance.now(), ttl, renew: true }, timers);
  }

  it('renews every third of the validity: exactly 10 renewals in 10 s for a 3 s ttl', async function () {
    const renewal = schedule(3_000);
    await clock.tickAsync(10_000);
    expect(extendsAt).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => n * 1_000));
    expect(lost).to.deep.equal([]);
    renewal.stop();
  });

  it('takes the drift off the validity before dividing it by three', async function () {
    const renewal = schedule(3_000, 300);
    await clock.tickAsync(2_000);
    expect(extendsAt).to.deep.equal([900, 1_800]);
    renewal.stop();
  });

  it(`never renews more often than every ${MIN_RENEW_INTERVAL_MS} ms, and does renew that often`, async function () {
    const renewal = schedule(30);
    await clock.tickAsync(1_000);
    expect(extendsAt).to.have.length(1_000 / MIN_RENEW_INTERVAL_MS);
    const gaps = extendsAt.slice(1).map((at, i) => at - (extendsAt[i] ?? 0));
    expect(new Set(gaps)).to.deep.equal(new Set([MIN_RENEW_INTERVAL_MS]));
    renewal.stop();
  });

  it('retries a failed renewal with jitter, inside the validity, then reports the loss at the deadline', async function () {
    answer = () => Promise.reject(new Error('connection is down'));
    const random = Math.random;
    const draws = [0, 0.999, 0.5];
    Math.random = () => draws.shift() ?? 0.5;
    try {
      schedule(3_000);
      await clock.tickAsync(5_000);
    } finally {
      Math.random = random;
    }
    expect(lost).to.deep.equal(['expired@3000']);
    expect(extendsAt[0]).to.equal(1_000);
    expect(
      extendsAt.every((at) => at < 3_000),
      'every attempt inside the validity',
    ).to.equal(true);
    expect(failures).to.equal(extendsAt.length);
    const delays = extendsAt.slice(1).map((at, i) => at - (extendsAt[i] ?? 0));
    // A retry waits between half and all of min(period, time left / 3), drawn: at 1000 ms, half of 666 ms; at
    // 1333 ms, nearly all of 555 ms.
    expect(delays.slice(0, 2)).to.deep.equal([333, 555]);
    expect(delays.every((delay) => delay >= 5 && delay <= 1_000)).to.equal(true);
    expect(extendsAt.length, 'retried until close to the deadline').to.be.greaterThan(4);
  });

  it('a renewal that succeeds after failures restores the regular rhythm', async function () {
    let failuresLeft = 1;
    answer = () => (failuresLeft-- > 0 ? Promise.reject(new Error('blip')) : Promise.resolve(true));
    const renewal = schedule(3_000);
    await clock.tickAsync(6_000);
    expect(lost).to.deep.equal([]);
    expect(failures).to.equal(1);
    const [first, retry, ...rest] = extendsAt;
    expect(first).to.equal(1_000);
    expect(retry).to.be.within(1_333, 1_666);
    expect(rest.map((at) => at - (retry ?? 0))).to.deep.equal(rest.map((_, i) => (i + 1) * 1_000));
    renewal.stop();
  });
});
