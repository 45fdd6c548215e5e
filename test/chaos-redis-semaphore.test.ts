import { ALL_FAULTS, runChaos, type ChaosOptions } from '@deadbolt/chaos';
import { expect } from 'chai';
import { redisSemaphoreAdapter } from '../examples/third-party-lock/redisSemaphoreAdapter.js';
import { replay } from '../packages/chaos/test/support/replay.js';
import { tolerateUnhandledRejections, type ToleratedRejections } from './support/unhandledRejectionGuard.js';

// redis-semaphore 5.8 through the harness (examples/third-party-lock): a peer's bug is a finding, not a failure
// of this test. What the test holds is that the harness reports what it finds consistently: labelled, with a
// counterexample whose replay finds the same violations (what the example's README says it found).

describe('examples/third-party-lock: redis-semaphore 5.8 under chaos', function () {
  this.timeout(600_000);
  let tolerated: ToleratedRejections;
  before(() => (tolerated = tolerateUnhandledRejections()));
  after(() => tolerated.stop());

  for (const kind of ['Mutex', 'RedlockMutex'] as const) {
    it(`${kind} on virtual time: a holder believes past its lease (S1), reported labelled and replayable`, async () => {
      // It polls every 10 ms while it waits: on virtual time a crowded schedule is thousands of timers, so the test
      // stops at the first failure (schedule 11) instead of shrinking it (the README's run shrinks it).
      // The base faults: the defaults when the README's run was recorded.
      const options: ChaosOptions = {
        lock: redisSemaphoreAdapter(kind),
        runs: 20,
        seed: 1,
        shrink: false,
        faults: ALL_FAULTS,
      };
      const result = await runChaos(options);
      expect(result.verdict, result.summary).to.equal('fail');
      expect(result.violations.every((v) => v.label === 'bug' || v.label === 'beyond-bounds')).to.equal(true);
      expect(result.violations.find((v) => v.label === 'bug')?.invariant, result.summary).to.equal('S1');
      const replayed = await replay(result, options);
      expect(replayed.violations.map((v) => v.message)).to.deep.equal(
        result.violations.map((v) => v.message),
      );
    });
  }

  for (const [kind, topology] of [
    ['Mutex', 'single'],
    ['RedlockMutex', 'quorum3'],
  ] as const) {
    it(`${kind} on real Redis (${topology}): a verdict with labelled violations and a replayable counterexample`, async () => {
      const result = await runChaos({
        lock: redisSemaphoreAdapter(kind),
        backend: 'redis',
        topology,
        runs: 2,
        clients: 3,
        operations: 20,
        ttl: 1_000,
        seed: 1,
      });
      expect(result.statistics.schedules).to.be.within(1, 2);
      expect(result.statistics.grants, 'the mutex was granted').to.be.greaterThan(0);
      for (const v of result.violations) expect(['bug', 'beyond-bounds']).to.include(v.label);
      if (result.verdict === 'fail') {
        expect(result.counterexample?.path, result.summary).to.match(/^\d/);
        expect(result.summary).to.include('replay with { seed: 1, path:');
      }
    });
  }
});
