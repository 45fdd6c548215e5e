import FakeTimers from '@sinonjs/fake-timers';
import { expect } from 'chai';
import { DONE } from '../src/lease/TimerGroups.js';
import { TimerQueue } from '../src/lease/TimerQueue.js';

describe('TimerQueue', function () {
  let clock: ReturnType<typeof FakeTimers.install>;
  let timers: TimerQueue;
  let ran: string[];
  beforeEach(function () {
    clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    timers = new TimerQueue(() => performance.now());
    ran = [];
  });
  afterEach(function () {
    timers.clear();
    clock.uninstall();
  });
  const at = (ms: number): number => performance.now() + ms;
  const note = (name: string) => () => void ran.push(`${name}@${performance.now()}`);

  it('runs each callback once its time has come, earliest first, on one Node timer', function () {
    timers.add(at(30), note('c'));
    timers.add(at(10), note('a'));
    timers.add(at(20), note('b'));
    timers.add(at(20), note('b2'));
    expect(clock.countTimers(), 'one Node timer for all four').to.equal(1);
    clock.tick(9);
    expect(ran).to.deep.equal([]);
    clock.tick(21);
    expect(ran[0]).to.equal('a@10');
    expect(ran.slice(1, 3)).to.have.members(['b@20', 'b2@20']);
    expect(ran[3]).to.equal('c@30');
    expect(timers.size).to.equal(0);
  });

  it("an entry of the caller's own runs with its receiver at its whole millisecond, and cancels as any timer", function () {
    class Call {
      at = 0;
      index = DONE;
      group = undefined;
      constructor(readonly name: string) {}
      get receiver(): Call {
        return this;
      }
      get run(): (this: unknown) => void {
        return function (this: unknown) {
          ran.push(`${(this as Call).name}@${performance.now()}`);
        };
      }
    }
    const kept = new Call('kept');
    const dropped = new Call('dropped');
    expect(timers.addEntry(kept, at(9.2))).to.equal(kept);
    timers.addEntry(dropped, at(5));
    expect([kept.at, timers.size]).to.deep.equal([10, 2]);
    timers.cancel(dropped);
    clock.tick(9);
    expect(ran).to.deep.equal([]);
    clock.tick(1);
    expect(ran).to.deep.equal(['kept@10']);
    expect([kept.index, dropped.index, timers.size]).to.deep.equal([DONE, DONE, 0]);
  });

  it('a cancelled timer never runs, and cancelling twice or after it ran does nothing', function () {
    const a = timers.add(at(10), note('a'));
    const b = timers.add(at(20), note('b'));
    timers.cancel(a);
    timers.cancel(a);
    clock.tick(25);
    timers.cancel(b);
    expect(ran).to.deep.equal(['b@20']);
  });

  it('re-arms for an earlier timer and, after the earliest is cancelled, fires without running anything', function () {
    const late = timers.add(at(100), note('late'));
    timers.add(at(5), note('early'));
    clock.tick(5);
    expect(ran).to.deep.equal(['early@5']);
    const soon = timers.add(at(10), note('soon'));
    timers.cancel(soon);
    clock.tick(10);
    expect(ran, 'the cancelled one does not run').to.deep.equal(['early@5']);
    expect(clock.countTimers(), 'armed again for the one left').to.equal(1);
    clock.tick(100);
    expect(ran).to.deep.equal(['early@5', 'late@100']);
    timers.cancel(late);
    expect(clock.countTimers(), 'nothing left to arm for').to.equal(0);
  });

  it('a timer a callback adds for now runs on a later firing; one it cancels does not run', function () {
    // A clock of the test's own: when the Node timer fires, both entries are overdue.
    let now = 0;
    const own = new TimerQueue(() => now);
    const victim: { timer?: ReturnType<TimerQueue['add']> } = {};
    own.add(10, () => {
      ran.push('canceller');
      if (victim.timer) own.cancel(victim.timer);
      own.add(now, () => void ran.push('added'));
    });
    victim.timer = own.add(15, () => void ran.push('victim'));
    now = 20;
    clock.tick(10);
    expect(ran, 'the victim was due too, but was cancelled first').to.deep.equal(['canceller']);
    clock.tick(1);
    expect(ran).to.deep.equal(['canceller', 'added']);
    own.clear();
  });

  it('a throwing callback does not stop the others or the queue', function () {
    timers.add(at(10), () => {
      throw new Error('boom');
    });
    timers.add(at(10), note('after'));
    timers.add(at(50), note('later'));
    expect(() => clock.tick(10)).to.throw('boom');
    expect(ran).to.deep.equal(['after@10']);
    clock.tick(40);
    expect(ran).to.deep.equal(['after@10', 'later@50']);
  });

  it('keeps heap order through many random adds and cancels', function () {
    const expected: number[] = [];
    const handles = [];
    for (let i = 0; i < 200; i++) {
      const delay = (i * 7919) % 997;
      handles.push({ delay, timer: timers.add(at(delay), () => void ran.push(String(delay))) });
    }
    for (const [index, handle] of handles.entries()) {
      if (index % 3 === 0) timers.cancel(handle.timer);
      else expected.push(handle.delay);
    }
    clock.tick(1_000);
    expect(ran.map(Number)).to.deep.equal(expected.sort((a, b) => a - b));
  });

  it('reschedule moves a waiting timer earlier or later in place, and brings back one that ran or was cancelled', function () {
    const a = timers.add(at(50), note('a'));
    const b = timers.add(at(20), note('b'));
    expect(timers.reschedule(a, at(10)), 'the same handle').to.equal(a);
    timers.reschedule(b, at(30));
    expect(timers.size).to.equal(2);
    clock.tick(30);
    expect(ran).to.deep.equal(['a@10', 'b@30']);
    timers.reschedule(a, at(5)); // ran: joins the queue again
    const c = timers.add(at(1), note('c'));
    timers.cancel(c);
    timers.reschedule(c, at(8)); // cancelled: joins again
    clock.tick(10);
    expect(ran).to.deep.equal(['a@10', 'b@30', 'a@35', 'c@38']);
    expect(timers.size).to.equal(0);
  });

  it('a timer due in the current firing that a callback reschedules runs at its new time, not now', function () {
    let now = 0;
    const own = new TimerQueue(() => now);
    const moved: { timer?: ReturnType<TimerQueue['add']> } = {};
    own.add(10, () => {
      ran.push('mover');
      if (moved.timer) own.reschedule(moved.timer, 40);
    });
    moved.timer = own.add(15, () => void ran.push(`moved@${now}`));
    now = 20;
    clock.tick(10);
    expect(ran, 'due too, but moved first').to.deep.equal(['mover']);
    now = 40;
    clock.tick(30);
    expect(ran).to.deep.equal(['mover', 'moved@40']);
    own.clear();
  });

  it('keeps heap order through many random reschedules', function () {
    const handles = [];
    for (let i = 0; i < 200; i++) {
      const delay = (i * 7919) % 997;
      const entry = { delay, timer: timers.add(at(delay), () => void ran.push(String(entry.delay))) };
      handles.push(entry);
    }
    for (const [index, handle] of handles.entries()) {
      handle.delay = (index * 104_729) % 991;
      timers.reschedule(handle.timer, at(handle.delay));
    }
    clock.tick(1_000);
    expect(ran.map(Number)).to.deep.equal(handles.map((h) => h.delay).sort((x, y) => x - y));
  });
});
