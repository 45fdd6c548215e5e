import type { RedisServer } from '@deadbolt/testing';
import { formatCount, formatMicros, formatMs, formatRatio } from '../report/format.js';
import { median, medianRoundRatio } from '../results.js';
import type { Timing } from '../timing.js';
import type { WorkerHandle } from '../WorkerHandle.js';
import { FRAMEWORKS, type Framework, type Variant } from './frameworks.js';
import {
  combine,
  cpuPerResponse,
  loadTest,
  warmUp,
  type CpuClock,
  type HttpMeasurement,
} from './loadTest.js';

/**
 * The design brief's target (and issue 20's): the route with `lockRequests` serves ≥ this share of its
 * throughput behind the raw lock. The share of the route without any lock is reported, not judged: two Redis
 * round trips per request keep even the raw lock at a third to a half of it on a trivial route.
 */
export const RAW_LOCK_TARGET = 0.9;
/**
 * Rounds per variant in a full run; `--quick` measures one. Twelve rounds run the three variants in each of
 * their six orders twice (see {@link roundOrder}), so every variant runs first, second and last equally often.
 * The ratios are medians over rounds: with six rounds of under a second, one framework's ratio moved by up to
 * 0.15 between two runs on this machine.
 */
const ROUNDS = 12;
/**
 * A full run measures each variant this many times `timing.measureMs` (3 × 5 s: twelve windows of 1.25 s), longer
 * than the lock scenarios: a framework's route is one process answering 32 connections, whose throughput the
 * machine's other load moves more than a lock's.
 */
const MEASURE_FACTOR = 3;
/**
 * Requests each variant answers before a full run measures it (besides the timed warm-up), so that the JIT has
 * compiled its path however slowly the loaded machine serves it: the worker's CPU time includes the compiler's.
 */
export const WARMUP_REQUESTS = 3_000;
/** Time allowed for a worker to start or stop an app. */
const GRACE_MS = 30_000;
/** The variants, in the order of the first round (later rounds alternate). */
const VARIANTS: readonly Variant[] = ['plain', 'floor', 'locked'];

/** One framework's route, measured without and with the middleware. */
export interface MiddlewareResult {
  readonly framework: Framework;
  readonly plain: HttpMeasurement;
  /** The same route behind the cheapest possible Redis lock (two round trips, nothing else). */
  readonly floor: HttpMeasurement;
  readonly locked: HttpMeasurement;
  readonly rounds: number;
  /** Each variant's measured time over all rounds, in ms. */
  readonly measuredMs: number;
  /** Each variant's measurement in each round, in round order (see {@link variantRatio}). */
  readonly runs: Readonly<Record<Variant, readonly HttpMeasurement[]>>;
}

/** What {@link runMiddleware} needs: the Redis the locks live on, a worker to serve the app, and the timing. */
export interface MiddlewarePlan {
  readonly server: RedisServer;
  readonly worker: WorkerHandle;
  readonly timing: Timing;
  readonly log: (line: string) => void;
  /** The frameworks to measure (default: all of {@link FRAMEWORKS}). */
  readonly frameworks?: readonly Framework[];
}

/**
 * Throughput of `variant` ÷ throughput of `base`: the median over rounds of the two variants' ratio in the same
 * round (see `medianRoundRatio`), so the machine's speed drifting between rounds (the load of its neighbours)
 * is not carried into it; the ratio of totals when no round has both.
 */
export function variantRatio(result: MiddlewareResult, variant: Variant, base: Variant): number {
  const throughputs = (of: Variant): number[] => result.runs[of].map((run) => run.throughput);
  const paired = medianRoundRatio(throughputs(variant), throughputs(base));
  return Number.isNaN(paired) ? result[variant].throughput / result[base].throughput : paired;
}

/** With-middleware throughput ÷ without, paired by round. */
export function overheadRatio(result: MiddlewareResult): number {
  return variantRatio(result, 'locked', 'plain');
}

/** With-middleware throughput ÷ behind the raw lock, paired by round. */
export function rawLockRatio(result: MiddlewareResult): number {
  return variantRatio(result, 'locked', 'floor');
}

/**
 * The app's CPU time per response of `variant`, in µs: the median over rounds, so that a window that a burst of
 * the machine's other load (or the JIT's first compilations) slowed does not enter it.
 */
export function cpuPerRequest(result: MiddlewareResult, variant: Variant): number {
  return median(result.runs[variant].map(cpuPerResponse));
}

/**
 * The app's CPU time per request that `lockRequests` costs beyond the raw lock, in µs: the median over rounds
 * of the difference within each round.
 */
export function extraCpuPerRequest(result: MiddlewareResult): number {
  const floor = result.runs.floor;
  return median(result.runs.locked.map((run, round) => cpuPerResponse(run) - cpuOf(floor[round])));
}

function cpuOf(run: HttpMeasurement | undefined): number {
  return run === undefined ? Number.NaN : cpuPerResponse(run);
}

/**
 * The variants in the order of `round`: the rotation by `round`, reversed in odd rounds, so six rounds run
 * each of the six orders once.
 *
 * @example
 * ```ts
 * roundOrder(1) // ['plain', 'locked', 'floor']
 * ```
 */
export function roundOrder(round: number): Variant[] {
  const rotated = VARIANTS.map((_, index) => VARIANTS[(index + round) % VARIANTS.length] as Variant);
  return round % 2 === 0 ? rotated : rotated.reverse();
}

/**
 * For each framework: the worker starts the app, autocannon (in this process) warms the variants up, then
 * measures them in short windows, {@link MEASURE_FACTOR} × `timing.measureMs` per variant split over the rounds, each round in another
 * order (see {@link roundOrder}); the worker's CPU time is read around every window.
 */
export async function runMiddleware(plan: MiddlewarePlan): Promise<MiddlewareResult[]> {
  const results: MiddlewareResult[] = [];
  const rounds = plan.timing.singleRound ? 1 : ROUNDS;
  const measuredMs = plan.timing.singleRound ? plan.timing.measureMs : plan.timing.measureMs * MEASURE_FACTOR;
  const windowMs = measuredMs / rounds;
  for (const framework of plan.frameworks ?? FRAMEWORKS) {
    const { port } = await plan.worker.request(
      { type: 'serve', framework: framework.id, redisUrl: plan.server.url },
      'serving',
      GRACE_MS,
    );
    try {
      const cpuClock: CpuClock = async () =>
        (await plan.worker.request({ type: 'usage' }, 'usage', GRACE_MS)).cpuMicros;
      const runs: Record<Variant, HttpMeasurement[]> = { plain: [], floor: [], locked: [] };
      for (const variant of VARIANTS) {
        if (!plan.timing.singleRound) await warmUp(port, variant, WARMUP_REQUESTS);
        await loadTest(port, variant, plan.timing.warmupMs, `warmup-${variant}`, cpuClock);
      }
      for (let round = 0; round < rounds; round++) {
        for (const variant of roundOrder(round)) {
          runs[variant].push(await loadTest(port, variant, windowMs, `r${round}`, cpuClock));
        }
      }
      const result = {
        framework,
        plain: combine(runs.plain),
        floor: combine(runs.floor),
        locked: combine(runs.locked),
        rounds,
        measuredMs,
        runs,
      };
      plan.log(middlewareLine(result));
      results.push(result);
    } finally {
      await plan.worker.request({ type: 'unserve' }, 'unserved', GRACE_MS);
    }
  }
  return results;
}

/** The progress line of one framework. */
function middlewareLine(result: MiddlewareResult): string {
  const side = (name: string, variant: Variant): string => {
    const m = result[variant];
    return `${name} ${formatCount(m.throughput)} req/s ${formatMicros(cpuPerRequest(result, variant))} µs CPU (p99 ${formatMs(m.latencyP99)} ms${m.non2xx + m.errors > 0 ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''})`;
  };
  const extra = extraCpuPerRequest(result);
  return `  ${result.framework.name.padEnd(16)}${side('without', 'plain')}  ${side('raw lock', 'floor')}  ${side('with', 'locked')}  ${formatRatio(overheadRatio(result))} × without, ${formatRatio(rawLockRatio(result))} × raw lock, ${extra >= 0 ? '+' : ''}${formatMicros(extra)} µs CPU/request`;
}
