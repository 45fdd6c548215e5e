import { expect } from 'chai';
import { pairedRatio, type LibraryResult } from '../bench/src/results.js';
import { LIBRARIES } from '../bench/src/libraries/libraries.js';
import type { Measurement } from '../bench/src/stats.js';

/** A library's result with only the throughputs that the ratio reads. */
function row(roundThroughputs: number[]): LibraryResult {
  const total = roundThroughputs.reduce((sum, value) => sum + value, 0) / roundThroughputs.length;
  const measurement = { throughput: total, roundThroughputs } as Partial<Measurement> as Measurement;
  return { library: LIBRARIES[0] as LibraryResult['library'], measurement };
}

describe('bench: throughput ratios are paired by round', function () {
  it('takes the median of the per-round ratios, not the ratio of totals', function () {
    // The machine got twice as fast for the last two rounds: the totals' ratio would be 0.93.
    const ours = row([90, 90, 90, 180, 180]);
    const floor = row([100, 100, 100, 200, 200]);
    expect(pairedRatio(ours, floor)).to.equal(0.9);
  });

  it('drops a round that a burst of load hit, and averages the middle two of an even count', function () {
    expect(pairedRatio(row([95, 20, 95, 97]), row([100, 100, 100, 100]))).to.be.closeTo(0.95, 1e-9);
    expect(pairedRatio(row([90, 100]), row([100, 100]))).to.be.closeTo(0.95, 1e-9);
  });

  it('skips rounds where the other side made no progress, and falls back to totals when none is left', function () {
    expect(pairedRatio(row([50, 80]), row([0, 100]))).to.equal(0.8);
    expect(pairedRatio(row([5, 5]), row([0, 0]))).to.equal(Number.POSITIVE_INFINITY);
    expect(pairedRatio(row([0, 0]), row([10, 10]))).to.equal(0);
  });
});
