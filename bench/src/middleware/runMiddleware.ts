import type { RedisServer } from '@deadbolt/testing';
import { formatCount, formatMs, formatRatio } from '../report/format.js';
import type { Timing } from '../timing.js';
import type { WorkerHandle } from '../WorkerHandle.js';
import { FRAMEWORKS, type Framework, type Variant } from './frameworks.js';
import { combine, loadTest, type HttpMeasurement } from './loadTest.js';

/** The design brief's target: the route with the middleware serves ≥ this share of its throughput without. */
export const MIDDLEWARE_TARGET = 0.75;
/** Rounds per variant in a full run (the variants alternate which goes first); `--quick` measures one. */
const ROUNDS = 2;
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

/** With-middleware throughput ÷ without. */
export function overheadRatio(result: MiddlewareResult): number {
  return result.locked.throughput / result.plain.throughput;
}

/**
 * For each framework: the worker starts the app, autocannon (in this process) warms both variants up, then
 * measures them in alternating order, `timing.measureMs` per variant split over the rounds.
 */
export async function runMiddleware(plan: MiddlewarePlan): Promise<MiddlewareResult[]> {
  const results: MiddlewareResult[] = [];
  const rounds = plan.timing.singleRound ? 1 : ROUNDS;
  const windowMs = plan.timing.measureMs / rounds;
  for (const framework of plan.frameworks ?? FRAMEWORKS) {
    const { port } = await plan.worker.request(
      { type: 'serve', framework: framework.id, redisUrl: plan.server.url },
      'serving',
      GRACE_MS,
    );
    try {
      const runs: Record<Variant, HttpMeasurement[]> = { plain: [], floor: [], locked: [] };
      for (const variant of VARIANTS) {
        await loadTest(port, variant, plan.timing.warmupMs, `warmup-${variant}`);
      }
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
        for (const variant of order) runs[variant].push(await loadTest(port, variant, windowMs, `r${round}`));
      }
      const result = {
        framework,
        plain: combine(runs.plain),
        floor: combine(runs.floor),
        locked: combine(runs.locked),
        rounds,
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
  const side = (name: string, m: HttpMeasurement): string =>
    `${name} ${formatCount(m.throughput)} req/s (p99 ${formatMs(m.latencyP99)} ms${m.non2xx + m.errors > 0 ? `, ${m.non2xx} non-2xx, ${m.errors} errors` : ''})`;
  return `  ${result.framework.name.padEnd(16)}${side('without', result.plain)}  ${side('raw lock', result.floor)}  ${side('with', result.locked)}  ${formatRatio(overheadRatio(result))} × without, ${formatRatio(result.locked.throughput / result.floor.throughput)} × raw lock`;
}
