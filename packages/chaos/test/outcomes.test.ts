import { expect } from 'chai';
import { ALL_FAULTS, brokenLocks, runChaos, simpleLockAdapter, type ChaosResult } from '@deadbolt/chaos';
import { explain } from './support/explain.js';

// Issue 24: what a lock reports about its lease is checked too. Each new rule is shown catching a broken fixture;
// deadbolt passing them is shown by the mutation sample's control run (mutation.test.ts) and the CLI runs of the
// README.

const invariants = (result: ChaosResult): string[] =>
  [...new Set(result.violations.filter((v) => v.label === 'bug').map((v) => v.invariant))].sort();

/** A run of `options.lock` on seed 42 with every fault, which must fail. */
async function caught(options: Parameters<typeof runChaos>[0]): Promise<ChaosResult> {
  const result = await runChaos({ seed: 42, faults: ALL_FAULTS, ...options });
  expect(result.verdict, explain(result)).to.equal('fail');
  return result;
}

describe('extend outcomes, lease lengths, loss signals and fair order (issue 24)', function () {
  this.timeout(300_000);

  it('S9 catches an extend of a lost lock that reports the refusal as a success', async () => {
    const lock = simpleLockAdapter('extend that ignores a refusal', { extendIgnoresRefusal: true });
    const result = await caught({ lock, runs: 300, shrink: false });
    expect(invariants(result), explain(result)).to.include('S9');
  });

  it('S10 catches a lease set longer than the ttl (whole seconds rounded up: 2 s for a ttl of 1 600 ms)', async () => {
    const result = await caught({ lock: brokenLocks.secondsTtl, ttl: 1_600, runs: 100 });
    expect(invariants(result), explain(result)).to.deep.equal(['S10']);
  });

  it('S11 catches validity that runs out without a loss signal', async () => {
    const result = await caught({ lock: brokenLocks.noLossSignal, runs: 300 });
    expect(invariants(result), explain(result)).to.deep.equal(['S11']);
  });

  it('L6 holds a lock that claims to be fair to arrival order: the polling simple lock is not', async () => {
    const lock = { ...simpleLockAdapter('polling lock that claims to be fair'), fair: true };
    const result = await caught({ lock, runs: 300 });
    expect(invariants(result), explain(result)).to.deep.equal(['L6']);
  });
});
