import { expect } from 'chai';
import { type HistoryEvent, type HistoryParams } from '@deadbolt/chaos';
import { HISTORY_PARAMS as base, invariantsOf, lease, opEvent, probe as probeOf } from './support/events.js';

// The checker's rules for the counted modes (issue 21), on hand-made histories: at most `limit` believed holders
// (S2), no exclusive holder beside another (S2), a permit that never comes back (L1), arrival order across modes
// (L6). Each case has a twin that must pass, so that a rule that flags everything fails here too.

const check = (params: HistoryParams, events: HistoryEvent[]) => invariantsOf(events, params);

/** An acquire of key `k` by `client`, invoked at `t` and answered at `tRes`. */
function acquire(
  id: number,
  client: number,
  t: number,
  tRes: number,
  result: 'ok' | 'fail',
  extra: { token?: string; fence?: number; shared?: true; wait?: number } = {},
): HistoryEvent {
  return opEvent(id, client, t, tRes, result, { wait: 0, ...extra });
}
const holders = (t: number, ...tokens: string[]): HistoryEvent => ({
  type: 'holders',
  t,
  key: 'k',
  holders: tokens.map((token) => ({ token, expireAt: t + 1000 })),
});
/** A probe at `t` of the holder `tokens` the server counts (no owner) and the clients that believe they hold. */
const probe = (t: number, tokens: string[], ...believers: [number, string, boolean?][]): HistoryEvent => ({
  ...probeOf(t, null, ...believers),
  holders: tokens,
});

describe('checker, counted modes', () => {
  it('S2 allows up to limit permit holders and flags one more', () => {
    const three = [
      acquire(1, 0, 0, 1, 'ok', { token: 'a', fence: 1 }),
      acquire(2, 1, 0, 1, 'ok', { token: 'b', fence: 2 }),
      acquire(3, 2, 0, 1, 'ok', { token: 'c', fence: 3 }),
    ];
    const believed = probe(5, ['a', 'b', 'c'], [0, 'a'], [1, 'b'], [2, 'c']);
    expect(check({ ...base, limit: 3 }, [...three, believed])).to.deep.equal([]);
    expect(check({ ...base, limit: 2 }, [...three, believed])).to.deep.equal(['S2']);
  });

  it('S2 allows readers together and flags an exclusive holder beside a reader', () => {
    const readers = probe(5, ['a', 'b'], [0, 'a', true], [1, 'b', true]);
    expect(check({ ...base, shared: true }, [readers])).to.deep.equal([]);
    const mixed: HistoryEvent = {
      ...(probe(5, ['a'], [0, 'a', true], [1, 'w']) as object),
      owner: 'w',
    } as HistoryEvent;
    expect(check({ ...base, shared: true }, [mixed])).to.deep.equal(['S2']);
  });

  it('S1 takes a believer whose token the server counts among the holders, and flags one it does not', () => {
    expect(check({ ...base, limit: 2 }, [probe(5, ['a'], [0, 'a'])])).to.deep.equal([]);
    expect(check({ ...base, limit: 2 }, [probe(5, ['b'], [0, 'a'])])).to.deep.equal(['S1']);
  });

  it('L1 flags a permit waiter refused while permits were free, not one refused while they were all held', () => {
    const waiter = acquire(3, 2, 100, 600, 'fail', { wait: 500 });
    const one = [acquire(1, 0, 0, 1, 'ok', { token: 'a', fence: 1 }), holders(0, 'a'), waiter];
    expect(check({ ...base, limit: 2 }, one)).to.deep.equal(['L1']);
    const full = [
      acquire(1, 0, 0, 1, 'ok', { token: 'a', fence: 1 }),
      acquire(2, 1, 0, 1, 'ok', { token: 'b', fence: 2 }),
      holders(0, 'a', 'b'),
      waiter,
    ];
    expect(check({ ...base, limit: 2 }, full)).to.deep.equal([]);
  });

  it('L1 takes a writer lease set at the instant a reader was granted for a lease, not for a mode marker', () => {
    // Seed 2026 of `--shared-ratio 0.5`: readers released and a writer was granted, all at t = 0.
    const leaseAt0 = (owner: string | null) => lease(0, owner, undefined, 5000);
    const events = [
      acquire(1, 0, 0, 0, 'ok', { token: 'r', fence: 1, shared: true }),
      acquire(2, 1, 0, 0, 'ok', { token: 'w', fence: 2 }),
      leaseAt0('~s'),
      leaseAt0(null),
      leaseAt0('w'),
      acquire(3, 2, 0, 2700, 'fail', { wait: 2700, shared: true }),
    ];
    expect(check({ ...base, shared: true }, events)).to.not.include('L1');
    const free = events.filter((e) => e.type !== 'lease' || e.owner !== 'w');
    expect(check({ ...base, shared: true }, free)).to.include('L1');
  });

  it('L6 flags a reader granted while an earlier writer waited, not a reader that came first', () => {
    const writer = acquire(1, 0, 0, 500, 'fail', { wait: 500 });
    const reader = (t: number): HistoryEvent =>
      acquire(2, 1, t, t, 'ok', { token: 'r', fence: 1, shared: true });
    expect(check({ ...base, shared: true }, [holders(0, 'x'), writer, reader(10)])).to.include('L6');
    expect(check({ ...base, shared: true }, [holders(0, 'x'), reader(0), writer])).to.not.include('L6');
    // Without counted modes the rule is off: the mutex's verdicts stay what they were.
    expect(check(base, [writer, reader(10)])).to.not.include('L6');
  });
});
