import { expect } from 'chai';
import { FRAMEWORKS, type Variant } from '../bench/src/middleware/frameworks.js';
import { combine, type HttpMeasurement } from '../bench/src/middleware/loadTest.js';
import {
  cpuPerRequest,
  extraCpuPerRequest,
  rawLockRatio,
  roundOrder,
  type MiddlewareResult,
} from '../bench/src/middleware/runMiddleware.js';

/** One window of one variant: `throughput` req/s for 1 s, `cpuPerResponse` µs of the app's CPU per response. */
function run(throughput: number, cpuPerResponse: number): HttpMeasurement {
  return {
    throughput,
    latencyP50: 1,
    latencyP99: 2,
    responses: throughput,
    seconds: 1,
    non2xx: 0,
    errors: 0,
    cpuMicros: throughput * cpuPerResponse,
  };
}

/** A framework's result from each variant's windows, in round order. */
function result(runs: Record<Variant, HttpMeasurement[]>): MiddlewareResult {
  const [framework] = FRAMEWORKS;
  return {
    framework,
    plain: combine(runs.plain),
    floor: combine(runs.floor),
    locked: combine(runs.locked),
    rounds: runs.plain.length,
    measuredMs: runs.plain.length * 1_000,
    runs,
  };
}

describe('bench: the middleware scenario alternates its variants and pairs them by round', function () {
  it('runs the three variants in each of their six orders once in six rounds', function () {
    const orders = Array.from({ length: 6 }, (_, round) => roundOrder(round).join(','));
    expect(new Set(orders)).to.have.property('size', 6);
    for (const order of orders) expect(order.split(',').sort()).to.deep.equal(['floor', 'locked', 'plain']);
  });

  it('repeats the six orders in the next six rounds, so twelve rounds put every variant in every place twice', function () {
    const orders = Array.from({ length: 12 }, (_, round) => roundOrder(round).join(','));
    expect(orders.slice(6)).to.deep.equal(orders.slice(0, 6));
  });

  it('reads the ratio to the raw lock within each round, not from totals that a slow round skews', function () {
    // The machine ran at half speed in the last two rounds, while the raw lock happened to run more in them.
    const measured = result({
      plain: [run(100, 50), run(100, 50), run(50, 50), run(50, 50)],
      floor: [run(80, 70), run(80, 70), run(40, 70), run(40, 70)],
      locked: [run(72, 80), run(72, 80), run(36, 80), run(4, 400)],
    });
    expect(rawLockRatio(measured)).to.be.closeTo(0.9, 1e-9);
  });

  it('reports the CPU per request as the median over rounds, and the extra CPU as the median within rounds', function () {
    const measured = result({
      plain: [run(100, 50), run(100, 51), run(100, 52)],
      floor: [run(80, 70), run(80, 75), run(80, 300)],
      locked: [run(72, 80), run(72, 86), run(72, 310)],
    });
    expect(cpuPerRequest(measured, 'floor')).to.be.closeTo(75, 1e-9);
    expect(cpuPerRequest(measured, 'locked')).to.be.closeTo(86, 1e-9);
    expect(extraCpuPerRequest(measured)).to.be.closeTo(10, 1e-9);
  });
});
