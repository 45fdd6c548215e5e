import { expect } from 'chai';
import {
  ALL_FAULTS,
  assertLockCorrect,
  brokenLocks,
  deadboltAdapter,
  runChaos,
  type LockAdapter,
} from '@deadbolt/chaos';
import {
  grant as granted,
  lease as leaseBy,
  messagesOf as check,
  opEvent,
  probe as probeOf,
} from './support/events.js';
import { explain } from './support/explain.js';
import { replay } from './support/replay.js';

// Issue 18's blind spots: each new invariant and each generator change ships a broken lock that only it catches,
// with a shrunk counterexample that replays (ttl included).

/** Runs `lock` until it fails, replays its counterexample in one run, and returns both. */
async function caughtAndReplayed(lock: LockAdapter, options: Parameters<typeof runChaos>[0] = {}) {
  // Seed 42 was recorded with the base faults (the defaults of the time) unless a test names its own.
  const result = await runChaos({ lock, runs: 300, seed: 42, faults: ALL_FAULTS, ...options });
  expect(result.verdict, explain(result)).to.equal('fail');
  const ce = result.counterexample!;
  expect(ce.commands.length, explain(result)).to.be.within(1, 8);
  const replayed = await replay(result, { lock, faults: ALL_FAULTS, ...options });
  expect(replayed.counterexample?.ttl, 'the replay draws the same ttl').to.equal(ce.ttl);
  expect(replayed.violations.map((v) => v.message)).to.deep.equal(result.violations.map((v) => v.message));
  return result;
}

describe('blind spots (issue 18)', function () {
  this.timeout(300_000);

  describe('S7 lease continuity', () => {
    const grant = granted(1, 0, 0, 'a', 7);
    /** c0's lease of `owner`. */
    const lease = (t: number, owner: string | null, expireAt?: number | null) =>
      leaseBy(t, owner, 0, expireAt);
    const probe = (t: number) => probeOf(t, 'a', [0, 'a']);

    it('flags a lease that comes back under the old grant, and the belief in it, where S1 sees nothing', () => {
      // The lease expired at 1000; at 1200 the holder's renewal set it again with the same token.
      const found = check([lease(0, 'a'), grant, probe(500), lease(1200, 'a'), probe(1300)]);
      expect(found).to.deep.equal([
        'S7 c0 still believed it held its grant (fence 7) at 1300, after its lease ended at 1000',
        'S7 c0 held the key again under its grant (fence 7) from 1200: the lease came back after its lease ended at 1000',
      ]);
    });

    it('flags an extend that succeeded and a write made after the lease ended', () => {
      const extend = opEvent(2, 0, 1100, 1101, 'ok', { op: 'extend', token: 'a' });
      const found = check([lease(0, 'a'), grant, lease(500, null, null), extend]);
      // S9 (issue 24) judges the extend's own answer too: the lease was not its token's while it ran.
      expect(found).to.deep.equal([
        'S7 c0 extended its grant (fence 7) at 1100, after its lease ended at 500, and was told it succeeded',
        'S9 c0 was told its extend (invoked at 1100) succeeded, but the server lease never held its token from then to the reply at 1101',
      ]);
    });

    it('passes a lease renewed without a gap', () => {
      expect(check([lease(0, 'a'), grant, lease(600, 'a', 1600), probe(1300)])).to.deep.equal([]);
    });

    it('catches a lock that re-creates a lapsed lease under the old token: S7 alone', async () => {
      const result = await caughtAndReplayed(brokenLocks.recreatesLease);
      expect([...new Set(result.violations.map((v) => v.invariant))]).to.deep.equal(['S7']);
    });
  });

  describe('ttl drawn per schedule', () => {
    it('the whole-seconds lock passes at the old fixed ttl of 1 000 ms', async () => {
      await assertLockCorrect(brokenLocks.secondsTtl, {
        ttl: 1_000,
        runs: 100,
        seed: 42,
        faults: ALL_FAULTS,
      });
    });

    it('a drawn ttl catches it, and the counterexample replays its ttl', async () => {
      const result = await caughtAndReplayed(brokenLocks.secondsTtl, { runs: 100 });
      const ttl = result.counterexample!.ttl;
      expect(ttl % 1_000, `ttl ${ttl}`).to.not.equal(0);
      // The failing run may stop at its first schedule (S10 sees the rounded-up lease at once), so the spread of
      // ttls is shown on a correct lock over the same default options.
      const passing = await assertLockCorrect(deadboltAdapter(), { runs: 10, seed: 42 });
      expect(passing.statistics.ttl.max - passing.statistics.ttl.min, 'ttls drawn').to.be.greaterThan(0);
    });
  });

  describe('contention', () => {
    it('the lock that breaks in when 4 wait passes the plain mix', async () => {
      await assertLockCorrect(brokenLocks.crowdBreaker, {
        contention: false,
        runs: 100,
        seed: 42,
        faults: ALL_FAULTS,
      });
    });

    it('crowded schedules catch it: the counterexample rushes several clients at once', async () => {
      const result = await caughtAndReplayed(brokenLocks.crowdBreaker, { runs: 100 });
      expect(result.counterexample!.commands.some((c) => c.startsWith('rush('))).to.equal(true);
    });

    it('grants, hand-overs and contended waits per schedule rise with contention (deadbolt, same seed)', async () => {
      const plain = await assertLockCorrect(deadboltAdapter(), { contention: false, runs: 50, seed: 1 });
      const crowded = await assertLockCorrect(deadboltAdapter(), { runs: 50, seed: 1 });
      const per = (n: number | undefined) => (n ?? 0) / 50;
      expect(per(crowded.statistics.grants)).to.be.greaterThan(1.5 * per(plain.statistics.grants));
      expect(per(crowded.statistics.contendedWaits)).to.be.greaterThan(
        2 * per(plain.statistics.contendedWaits),
      );
      expect(crowded.statistics.handOvers, 'hand-overs counted').to.be.greaterThan(
        plain.statistics.handOvers ?? 0,
      );
    });
  });
});
