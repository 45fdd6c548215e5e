import { expect } from 'chai';
import { type HistoryEvent, type LeftEntry } from '@deadbolt/chaos';
import { HISTORY_PARAMS, checked, fault, grant, opEvent } from './support/events.js';

/** The S12 violations of a history (a give-up on a free key is also L1's business, left out here). */
const check = (events: HistoryEvent[]): string[] =>
  checked(events, { ...HISTORY_PARAMS, voters: 3 })
    .filter((v) => v.invariant === 'S12')
    .map((v) => `${v.invariant}:${v.label}`);

/** c0's acquire invoked at 0 that returned no lock at 500 while `left` stayed in the stores. */
const gaveUp = (left: LeftEntry[], client = 0) =>
  opEvent(1 + client, client, 0, 500, 'fail', { wait: 500, left });
const queued = (node: number, token = 'w'): LeftEntry => ({ node, key: 'deadbolt:{k}:queue', token });

describe('S12 clean give-up on hand-written histories', () => {
  it('flags an entry of a failed acquire still on a healthy master as it returned', () => {
    expect(check([gaveUp([queued(2)])])).to.deep.equal(['S12:bug']);
  });

  it('exempts a master a server fault hit during the acquire, and no other', () => {
    const stall = fault('redisStall', 100, { node: 2, duration: 300 });
    expect(check([stall, gaveUp([queued(2)])])).to.deep.equal([]);
    expect(check([stall, gaveUp([queued(1)])])).to.deep.equal(['S12:bug']);
  });

  it("exempts every master when the acquire's own client was faulted, but not for a lost wake-up", () => {
    const ownFault = (kind: 'pause' | 'lostWakeup') => fault(kind, 100, { client: 0, duration: 50 });
    expect(check([ownFault('pause'), gaveUp([queued(0)])])).to.deep.equal([]);
    expect(check([ownFault('lostWakeup'), gaveUp([queued(0)])])).to.deep.equal(['S12:bug']);
  });

  it('ignores tokens a grant carried (a hand-over to another acquire of the process)', () => {
    expect(check([gaveUp([queued(1)]), grant(9, 1, 600, 'w')])).to.deep.equal([]);
  });
});
