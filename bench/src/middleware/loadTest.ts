import autocannon from 'autocannon';
import { PREFIX, type Variant } from './frameworks.js';

/** Concurrent HTTP connections autocannon keeps open. */
export const CONNECTIONS = 32;

/** What one autocannon run against one variant of the route measured. */
export interface HttpMeasurement {
  /** Responses per second over the run. */
  readonly throughput: number;
  readonly latencyP50: number;
  readonly latencyP99: number;
  /** Responses received. */
  readonly responses: number;
  /** Length of the run, in seconds as autocannon measured it. */
  readonly seconds: number;
  /** Responses with a status outside 2xx. */
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** CPU time the app's process used during the run, user plus system, in µs. */
  readonly cpuMicros: number;
}

/** The app process's CPU time used so far, in µs (user plus system, as `process.cpuUsage()` counts it). */
export type CpuClock = () => Promise<number>;

/** The app's CPU time per response of `m`, in µs. */
export function cpuPerResponse(m: HttpMeasurement): number {
  return m.responses > 0 ? m.cpuMicros / m.responses : Number.NaN;
}

/**
 * Loads one variant of the route on `port` for `durationMs` with {@link CONNECTIONS} connections; every
 * request asks for a fresh `/items/:id` (`tag` plus a counter), so every request locks a distinct key.
 * `cpuClock` is read before and after the run: the app's CPU time it took.
 */
export async function loadTest(
  port: number,
  variant: Variant,
  durationMs: number,
  tag: string,
  cpuClock: CpuClock,
): Promise<HttpMeasurement> {
  let next = 0;
  const cpuBefore = await cpuClock();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    duration: durationMs / 1000,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `${PREFIX[variant]}/items/${tag}-${next++}` }),
      },
    ],
  });
  const cpuMicros = (await cpuClock()) - cpuBefore;
  return {
    throughput: result.requests.total / result.duration,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    responses: result.requests.total,
    seconds: result.duration,
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMicros,
  };
}

/**
 * Sends `requests` requests to one variant of the route with {@link CONNECTIONS} connections, however long that
 * takes: a warm-up by work done rather than by time, so that a variant served slowly on a loaded machine is as
 * warm (its code as optimized) as a fast one before it is measured.
 */
export async function warmUp(port: number, variant: Variant, requests: number): Promise<void> {
  let next = 0;
  await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount: requests,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: `${PREFIX[variant]}/items/warmup-${next++}` }),
      },
    ],
  });
}

/** Folds the runs of one variant into one measurement: totals summed, latency percentiles weighted by responses. */
export function combine(runs: readonly HttpMeasurement[]): HttpMeasurement {
  const sum = (pick: (run: HttpMeasurement) => number): number =>
    runs.reduce((total, run) => total + pick(run), 0);
  const responses = sum((run) => run.responses);
  const seconds = sum((run) => run.seconds);
  const weighted = (pick: (run: HttpMeasurement) => number): number =>
    responses > 0 ? sum((run) => pick(run) * run.responses) / responses : Number.NaN;
  return {
    throughput: seconds > 0 ? responses / seconds : Number.NaN,
    latencyP50: weighted((run) => run.latencyP50),
    latencyP99: weighted((run) => run.latencyP99),
    responses,
    seconds,
    non2xx: sum((run) => run.non2xx),
    errors: sum((run) => run.errors),
    cpuMicros: sum((run) => run.cpuMicros),
  };
}
