import { runChaos } from '@deadbolt/chaos';
import { expect } from 'chai';
import { redlockAdapter } from '../examples/third-party-lock/redlockAdapter.js';

// redlock 4.2.0 through the harness (examples/third-party-lock): what its README reports, kept true.
describe('examples/third-party-lock: redlock 4.2.0 under chaos', function () {
  this.timeout(120_000);
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  before(() => process.on('unhandledRejection', record));
  after(() => process.off('unhandledRejection', record));

  it('keeps exclusion within the bounds, but lets "Unable to fully release" rejections go unhandled', async () => {
    const result = await runChaos({ lock: redlockAdapter(), runs: 100, seed: 1, shrink: false });
    const safety = ['S1', 'S2', 'S3', 'S4', 'S5'] as const;
    for (const invariant of safety)
      expect(result.statistics.violations[invariant]?.bug ?? 0, invariant).to.equal(0);
    expect(unhandled.length, 'unhandled rejections').to.be.greaterThan(0);
    expect(String(unhandled[0])).to.include('Unable to fully release the lock');
  });

  it('beyond the bounds it loses updates (no fence to stop a stale holder)', async () => {
    const result = await runChaos({
      lock: redlockAdapter(),
      bounds: 'beyond',
      faults: ['stall'],
      runs: 100,
      seed: 1,
      shrink: false,
    });
    expect(
      result.beyondBounds.some((v) => v.invariant === 'S1' || v.invariant === 'S3'),
      result.summary,
    ).to.equal(true);
  });
});
