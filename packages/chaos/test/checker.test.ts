import { expect } from 'chai';
import { type HistoryEvent } from '@deadbolt/chaos';
import { checked, end, fault, grant, invariantsOf, lease, opEvent, probe } from './support/events.js';

const check = invariantsOf;
const write = (
  t: number,
  client: number,
  token: string,
  read: number,
  before: number,
  extra: Partial<{ resource: 'plain' | 'fenced'; owner: string | null; lastWriter: number }> = {},
): HistoryEvent => ({
  type: 'write',
  t,
  tRead: t - 1,
  client,
  token,
  read,
  before,
  accepted: true,
  resource: extra.resource ?? 'plain',
  owner: extra.owner === undefined ? token : extra.owner,
  ...(extra.lastWriter === undefined ? {} : { lastWriter: extra.lastWriter }),
});

describe('checkHistory on hand-written histories', () => {
  const clean: HistoryEvent[] = [
    grant(1, 0, 0, 'a', 10),
    lease(0, 'a', 0),
    probe(1, 'a', [0, 'a']),
    write(2, 0, 'a', 0, 0),
    lease(3, null, 0),
    grant(2, 1, 4, 'b', 11),
    lease(4, 'b', 1),
    probe(5, 'b', [1, 'b']),
    write(6, 1, 'b', 1, 1),
    end(),
  ];

  it('passes a clean history', () => {
    expect(check(clean)).to.deep.equal([]);
  });

  it('S1 flags a belief outside the lease and passes one inside it', () => {
    expect(check([grant(1, 0, 0, 'a', 1), lease(0, 'a', 0), probe(500, 'a', [0, 'a'])])).to.deep.equal([]);
    expect(check([grant(1, 0, 0, 'a', 1), lease(0, 'a', 0), probe(1500, null, [0, 'a'])])).to.include('S1');
  });

  it('S2 flags two believers and an unknown acquire that holds the lease', () => {
    expect(check([probe(5, 'a', [0, 'a'], [1, 'b'])])).to.include('S2');
    const unknown = opEvent(1, 0, 0, 200, 'unknown');
    expect(check([unknown, lease(1, 'x', 0), probe(300, 'x', [1, 'b'])])).to.include('S2');
    expect(
      check([unknown, lease(1, 'x', 0), lease(250, null, 0), lease(260, 'b', 1), probe(300, 'b', [1, 'b'])]),
    ).to.deep.equal([]);
  });

  it('S3 flags a lost update, on the fenced resource always as a bug', () => {
    expect(check([write(5, 0, 'a', 3, 3)])).to.deep.equal([]);
    const lost = checked([
      fault('stall', 0, { client: 0, duration: 5000, beyond: true }),
      write(5, 0, 'a', 3, 4, { lastWriter: 1 }),
      write(6, 0, 'a', 3, 4, { lastWriter: 1, resource: 'fenced' }),
    ]);
    expect(lost.filter((v) => v.invariant === 'S3').map((v) => v.label)).to.deep.equal([
      'beyond-bounds',
      'bug',
    ]);
  });

  it('S4 flags a fence that does not increase and passes one that does', () => {
    expect(check([grant(1, 0, 0, 'a', 10), grant(2, 1, 5, 'b', 11)])).to.deep.equal([]);
    expect(check([grant(1, 0, 0, 'a', 10), grant(2, 1, 5, 'b', 10)])).to.include('S4');
  });

  it('S5 flags a release of another client’s live lease and a key without TTL', () => {
    const a = grant(1, 0, 0, 'a', 10);
    expect(check([lease(0, 'a', 0), a, lease(10, null, 0)])).to.deep.equal([]);
    expect(check([lease(0, 'a', 0), a, lease(10, null, 1)])).to.include('S5');
    expect(check([lease(0, 'a', 0), a, lease(1500, 'b', 1)])).to.deep.equal([]);
    expect(check([{ type: 'noTtl', t: 3, key: 'k', by: 0 }])).to.include('S5');
  });

  it('S5 knows a lease by the client that reported its token: a release may hand the lock over', () => {
    const handOver = [lease(0, 'a', 0), grant(1, 0, 0, 'a', 10), lease(5, 'b', 0)];
    // c0's release granted c1's token; c1 extending it is fine, c0 deleting it again is not.
    expect(check([...handOver, grant(2, 1, 1, 'b', 11, { tRes: 6 }), lease(6, 'b', 1, 1006)])).to.deep.equal(
      [],
    );
    expect(check([...handOver, grant(2, 1, 1, 'b', 11, { tRes: 6 }), lease(7, null, 0)])).to.include('S5');
  });

  it('S6 flags a slow grant that claims a fresh lease', () => {
    const slow = (remaining: number): HistoryEvent[] => [
      lease(0, 'a', 0),
      grant(1, 0, 0, 'a', 1, { tRes: 400, remaining }),
    ];
    expect(check(slow(580))).to.deep.equal([]);
    expect(check(slow(988))).to.include('S6');
  });

  it('S6 measures from the last time the server set the lease: a retried attempt may set it anew', () => {
    const retried = (remaining: number): HistoryEvent[] => [
      lease(0, 'a', 0, 1000),
      lease(14, 'a', 0, 1014),
      grant(1, 0, 0, 'a', 1, { tRes: 14, remaining }),
    ];
    expect(check(retried(988))).to.deep.equal([]);
    expect(check(retried(1002))).to.include('S6');
  });

  it('L1 flags a waiter refused while the lock was free', () => {
    const refused = opEvent(3, 1, 0, 1500, 'fail', { wait: 1500 });
    expect(check([lease(0, 'a', 0), lease(1000, null, 0), refused])).to.include('L1');
    const renewed = [lease(0, 'a', 0, 1000), lease(400, 'a', 0, 1400), lease(1400, null, 0)];
    expect(check([...renewed, refused])).to.deep.equal([]);
  });

  it('L2 flags an acquire that settles past wait + retry bound, unless its own client was faulted', () => {
    const late = (tRes?: number) => opEvent(4, 1, 0, tRes, 'unknown', { wait: 1000 });
    expect(check([late(1200)])).to.deep.equal([]);
    expect(check([late(1201)])).to.deep.equal(['L2']);
    // A Redis stall does not excuse it; a stall of its own client does.
    const redisStall = fault('redisStall', 900, { node: 0, duration: 5000 });
    expect(check([redisStall, late(6000)])).to.deep.equal(['L2']);
    const ownStall = fault('waiterStall', 900, { client: 1, duration: 5000 });
    expect(check([ownStall, late(6000)])).to.deep.equal([]);
    // Never settled: judged at the end of the history.
    expect(check([late(), end()])).to.deep.equal(['L2']);
  });

  it('L5 flags a lease no grant holds that outlives a dropped acquire, unless another fault excuses it', () => {
    const drop = fault('dropInFlight', 100, { client: 1, duration: 300 });
    // Limit: drop end (400) + ttl / 4 (250) = 650.
    expect(check([drop, lease(120, 'orphan', undefined, 1120)])).to.deep.equal(['L5']);
    expect(check([drop, lease(120, 'orphan', undefined, 1120), lease(600, null)])).to.deep.equal([]);
    expect(check([drop, grant(1, 1, 100, 'orphan', 1), lease(120, 'orphan', 1, 1120)])).to.deep.equal([]);
    const pause = fault('pause', 50, { client: 2, duration: 100 });
    expect(check([pause, drop, lease(120, 'orphan', undefined, 1120)])).to.deep.equal([]);
  });

  it('L3 flags a healthy holder that lost its lease, not one that suffered a fault', () => {
    const lost: HistoryEvent[] = [
      grant(1, 0, 0, 'a', 1),
      { type: 'loss', t: 900, client: 0, token: 'a', reason: 'expired' },
    ];
    expect(check(lost)).to.include('L3');
    expect(check([fault('renewalFailure', 300, { client: 0, duration: 700 }), ...lost])).to.deep.equal([]);
  });

  it('L4 flags leaked keys and timers', () => {
    expect(check([end(['k'])])).to.include('L4');
    expect(check([end([], 2)])).to.include('L4');
    expect(check([end()])).to.deep.equal([]);
  });

  it('labels violations of a client that suffered a fault beyond the bounds', () => {
    const violations = checked([
      fault('clockJump', 0, { client: 1, amount: -2000, beyond: true }),
      probe(5, 'a', [0, 'a'], [1, 'b']),
    ]);
    expect(violations.find((v) => v.invariant === 'S2')).to.include({ label: 'beyond-bounds' });
    expect(violations.find((v) => v.invariant === 'S1')).to.include({ label: 'beyond-bounds' });
  });
});
