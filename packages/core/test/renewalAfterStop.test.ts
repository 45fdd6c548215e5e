import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { RenewalSchedule, type RenewalHooks } from '../src/lease/RenewalSchedule.js';
import { TimerQueue } from '../src/lease/TimerQueue.js';

// Issue 23: a lock's renewal timer moves in place (`TimerQueue.reschedule`), which also brings back a timer that
// ran or was cancelled. So every path by which a renewal ends after its lock was released, lost or closed must
// leave the timer stopped: a late answer (yes, no, or an error such as `Connection is closed.`) neither re-arms
// the timer, nor reports anything, nor sends again; and a timer stopped by a callback of the same firing does
// not run. Aligned (the batching backends) and unaligned schedules alike.

/** An extend's answer that the test settles. */
interface Answer {
  readonly promise: Promise<boolean>;
  resolve(extended: boolean): void;
  reject(error: Error): void;
}

function answer(): Answer {
  let settle!: Pick<Answer, 'resolve' | 'reject'>;
  const promise = new Promise<boolean>((resolve, reject) => (settle = { resolve, reject }));
  return { promise, ...settle };
}

describe('a renewal that ends after its schedule stopped (fake timers)', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  let timers: TimerQueue;
  let calls: string[];
  let answers: Answer[];
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    timers = new TimerQueue(() => performance.now());
    calls = [];
    answers = [];
  });
  afterEach(function () {
    timers.clear();
    clock.uninstall();
  });

  /** A schedule whose every extend waits for the test to settle it (`answers`), noting each hook call. */
  function schedule(name: string, ttl: number, align: boolean, renew = true): RenewalSchedule {
    const hooks: RenewalHooks = {
      now: () => performance.now(),
      drift: () => 0,
      extend: () => {
        calls.push(`${name} extend`);
        const pending = answer();
        answers.push(pending);
        return pending.promise;
      },
      renewed: () => void calls.push(`${name} renewed`),
      failed: () => void calls.push(`${name} failed`),
      lost: (reason) => void calls.push(`${name} lost ${reason}`),
    };
    return new RenewalSchedule(hooks, { start: performance.now(), ttl, renew }, timers, align);
  }

  const outcomes: [string, (pending: Answer) => void][] = [
    ['extended', (pending) => pending.resolve(true)],
    ['no longer ours', (pending) => pending.resolve(false)],
    ['failed: Connection is closed.', (pending) => pending.reject(new Error('Connection is closed.'))],
  ];
  for (const align of [true, false]) {
    for (const [outcome, settle] of outcomes) {
      it(`${align ? 'aligned' : 'unaligned'}: answered "${outcome}" after stop, it re-arms nothing and reports nothing`, async function () {
        const renewal = schedule('a', 3_000, align);
        await clock.tickAsync(1_500); // the first renewal is due within 1.5 periods
        expect(calls).to.deep.equal(['a extend']);
        expect(timers.size, 'while in flight: the deadline timer').to.equal(1);
        renewal.stop(); // released, lost or closed while the renewal is in flight
        expect(timers.size, 'stopped: no timer').to.equal(0);
        const [inFlight] = answers;
        if (inFlight) settle(inFlight);
        await clock.tickAsync(0);
        expect(timers.size, 'the late answer re-armed nothing').to.equal(0);
        await clock.tickAsync(10_000); // past many periods and the deadline
        expect(calls, 'no second extend, no event, no loss').to.deep.equal(['a extend']);
      });
    }
  }

  it('a renewal stopped after a failed attempt, while its retry waits, never retries', async function () {
    const renewal = schedule('a', 3_000, true);
    await clock.tickAsync(1_500);
    answers[0]?.reject(new Error('Connection is closed.'));
    await clock.tickAsync(0);
    expect(calls).to.deep.equal(['a extend', 'a failed']);
    expect(timers.size, 'the retry waits').to.equal(1);
    renewal.stop();
    await clock.tickAsync(10_000);
    expect(calls).to.deep.equal(['a extend', 'a failed']);
    expect(timers.size).to.equal(0);
  });

  it('a renewal due in the same firing as a callback that stops it does not run', async function () {
    // Both timers fall due at 1 000 ms: the holder without renewal reaches its deadline first (added first), and
    // its loss stops the other lock (as an onLockLost that releases a second lock would).
    const stopOnLoss: RenewalSchedule[] = [];
    const hooks: RenewalHooks = {
      now: () => performance.now(),
      drift: () => 0,
      extend: () => Promise.resolve(true),
      renewed: () => undefined,
      failed: () => undefined,
      lost: (reason) => {
        calls.push(`first lost ${reason}`);
        for (const schedule of stopOnLoss) schedule.stop();
      },
    };
    new RenewalSchedule(hooks, { start: 0, ttl: 1_000, renew: false }, timers);
    stopOnLoss.push(schedule('other', 3_000, false));
    await clock.tickAsync(1_000);
    expect(calls).to.deep.equal(['first lost expired']);
    await clock.tickAsync(10_000);
    expect(calls, 'the stopped renewal never ran').to.deep.equal(['first lost expired']);
    expect(timers.size).to.equal(0);
  });
});
