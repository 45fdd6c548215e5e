import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { MAX_RUN_PER_FIRING, TimerQueue, type QueuedTimer } from '../src/lease/TimerQueue.js';

// A grouped TimerQueue (the locker's renewal timers): the timers due within one millisecond are one heap node,
// run at the end of that millisecond.
describe('TimerQueue (grouped)', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  let timers: TimerQueue;
  let ran: string[];
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    timers = new TimerQueue(() => performance.now(), true);
    ran = [];
  });
  afterEach(function () {
    timers.clear();
    clock.uninstall();
  });
  const note = (name: string) => () => void ran.push(`${name}@${performance.now()}`);

  it('runs the timers due within one millisecond together at its end, never before their time', function () {
    timers.add(10.2, note('a'));
    timers.add(10.7, note('b'));
    timers.add(10, note('c'));
    timers.add(12, note('d'));
    expect(timers.size).to.equal(4);
    clock.tick(10);
    expect(ran, 'the one due at 10 runs at 10').to.deep.equal(['c@10']);
    clock.tick(1);
    expect([...ran].sort(), 'those of (10, 11] run at 11').to.deep.equal(['a@11', 'b@11', 'c@10']);
    clock.tick(1);
    expect(ran.at(-1)).to.equal('d@12');
    expect(timers.size).to.equal(0);
  });

  it('cancelling one timer of a group leaves the others of the group to run', function () {
    const timer = timers.add(20, note('cancelled'));
    timers.add(20, note('a'));
    timers.add(20, note('b'));
    timers.cancel(timer);
    timers.cancel(timer);
    expect(timers.size).to.equal(2);
    clock.tick(20);
    expect([...ran].sort()).to.deep.equal(['a@20', 'b@20']);
  });

  it('a timer rescheduled out of its group runs at its new time; the group keeps the rest', function () {
    const moved = timers.add(20, note('moved'));
    timers.add(20, note('stays'));
    const alone = timers.add(30, note('alone'));
    timers.reschedule(moved, 40);
    timers.reschedule(alone, 20); // into the group of 20
    expect(timers.size).to.equal(3);
    clock.tick(20);
    expect([...ran].sort()).to.deep.equal(['alone@20', 'stays@20']);
    clock.tick(20);
    expect(ran.at(-1)).to.equal('moved@40');
    // A timer that ran joins a group again.
    timers.reschedule(moved, 45);
    clock.tick(5);
    expect(ran.at(-1)).to.equal('moved@45');
  });

  it('cancelling every timer of the earliest group fires nothing and the queue runs the next', function () {
    const first = [timers.add(5, note('x')), timers.add(5, note('y'))];
    timers.add(8, note('z'));
    for (const timer of first) timers.cancel(timer);
    clock.tick(8);
    expect(ran).to.deep.equal(['z@8']);
  });

  it(`a group larger than ${MAX_RUN_PER_FIRING} runs ${MAX_RUN_PER_FIRING} a firing; a cancel in its rest holds`, async function () {
    const handles: QueuedTimer[] = [];
    let count = 0;
    for (let i = 0; i < 2 * MAX_RUN_PER_FIRING + 2; i++) handles.push(timers.add(100, () => void count++));
    const perFiring: number[] = [];
    const first = handles[0] as QueuedTimer;
    for (let firing = 0; firing < 4; firing++) {
      const before = count;
      await clock.nextAsync();
      perFiring.push(count - before);
      // The first added is taken last (a group runs from its end): still waiting after the first firing.
      if (firing === 0) timers.cancel(first);
    }
    expect(perFiring).to.deep.equal([MAX_RUN_PER_FIRING, MAX_RUN_PER_FIRING, 1, 0]);
    expect(timers.size).to.equal(0);
  });

  it('a timer of a due group that a callback of the same firing cancels or reschedules does not run then', function () {
    // A group runs from its end: the callback added last runs first.
    const later = timers.add(10, note('later'));
    const cancelled = timers.add(10, note('cancelled'));
    timers.add(10, () => {
      ran.push('first');
      timers.reschedule(later, 30);
      timers.cancel(cancelled);
    });
    clock.tick(10);
    expect(ran).to.deep.equal(['first']);
    clock.tick(20);
    expect(ran).to.deep.equal(['first', 'later@30']);
  });

  it('clear drops every group: nothing runs, and the queue takes new timers', function () {
    timers.add(10, note('a'));
    timers.add(10, note('b'));
    timers.add(15, note('c'));
    timers.clear();
    expect(timers.size).to.equal(0);
    clock.tick(20);
    expect(ran).to.deep.equal([]);
    timers.add(performance.now() + 5, note('d'));
    clock.tick(5);
    expect(ran).to.deep.equal(['d@25']);
  });
});
