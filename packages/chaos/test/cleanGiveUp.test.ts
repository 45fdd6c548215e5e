import { expect } from 'chai';
import { History, checkHistory, type HistoryEvent, type LeftEntry } from '@deadbolt/chaos';

const params = { ttl: 1000, driftFactor: 0.01, retryBound: 200, renews: true, voters: 3 };

/** The S12 violations of a history (a give-up on a free key is also L1's business, left out here). */
const check = (events: HistoryEvent[]): string[] =>
  checkHistory(new History(params, () => 0, events))
    .filter((v) => v.invariant === 'S12')
    .map((v) => `${v.invariant}:${v.label}`);

/** c0's acquire invoked at 0 that returned no lock at 500 while `left` stayed in the stores. */
const gaveUp = (left: LeftEntry[], client = 0): HistoryEvent => ({
  type: 'op',
  id: 1 + client,
  client,
  op: 'acquire',
  key: 'k',
  tInv: 0,
  tRes: 500,
  result: 'fail',
  ttl: 1000,
  wait: 500,
  left,
});
const queued = (node: number, token = 'w'): LeftEntry => ({ node, key: 'deadbolt:{k}:queue', token });

describe('S12 clean give-up on hand-written histories', () => {
  it('flags an entry of a failed acquire still on a healthy master as it returned', () => {
    expect(check([gaveUp([queued(2)])])).to.deep.equal(['S12:bug']);
  });

  it('exempts a master a server fault hit during the acquire, and no other', () => {
    const stall: HistoryEvent = {
      type: 'fault',
      kind: 'redisStall',
      t: 100,
      node: 2,
      duration: 300,
      beyond: false,
    };
    expect(check([stall, gaveUp([queued(2)])])).to.deep.equal([]);
    expect(check([stall, gaveUp([queued(1)])])).to.deep.equal(['S12:bug']);
  });

  it("exempts every master when the acquire's own client was faulted, but not for a lost wake-up", () => {
    const fault = (kind: 'pause' | 'lostWakeup'): HistoryEvent => ({
      type: 'fault',
      kind,
      t: 100,
      client: 0,
      duration: 50,
      beyond: false,
    });
    expect(check([fault('pause'), gaveUp([queued(0)])])).to.deep.equal([]);
    expect(check([fault('lostWakeup'), gaveUp([queued(0)])])).to.deep.equal(['S12:bug']);
  });

  it('ignores tokens a grant carried (a hand-over to another acquire of the process)', () => {
    const grant: HistoryEvent = {
      type: 'op',
      id: 9,
      client: 1,
      op: 'acquire',
      key: 'k',
      tInv: 600,
      tRes: 601,
      result: 'ok',
      ttl: 1000,
      token: 'w',
    };
    expect(check([gaveUp([queued(1)]), grant])).to.deep.equal([]);
  });
});
