/**
 * The middleware's app CPU per request, measured so that the machine's load barely moves it: a bench worker
 * process serves the app (`itemServer.ts`, `@deadbolt/*` from their built `dist/`), and autocannon (in this
 * process) sends it a fixed number of requests per window with {@link CONNECTIONS} connections, each to a fresh
 * key. The worker's `process.cpuUsage()` is read around every window. Variants alternate (`floor`, `core`,
 * `locked`, then the reverse, …; `core` is the route behind the locker alone, see `coreLockMiddleware.ts`) for
 * `--rounds` rounds; the report is the median over rounds of each variant's CPU µs per request and of
 * `locked − floor` within each round (what `lockRequests` costs beyond the raw lock), and of `locked − core`
 * (what it costs beyond the locker's acquire and release); the same for the Redis server's CPU per request
 * (`INFO cpu` around every window).
 * `--node-option` passes flags to the worker (e.g. `--cpu-prof`, `--trace-deopt`); `--only` serves one
 * variant only (for a profile of it alone); `--variants` a comma-separated list, also of the experiments of
 * `CORE_EXPERIMENTS` (Fastify; `lockedB` on Fastify and Hono: another build of the adapters, given as
 * `DEADBOLT_PROBE_B=<dir>`, see `BUILD_B_DIR`, for an A/B of two builds in one process).
 *
 * Noise: on a loaded 2-core machine, an A/A (`locked,lockedB` with B a copy of this build) spreads ±10–40 µs
 * per round; use 30–40 rounds of 1500 requests and compare medians of within-round differences.
 *
 * @example
 * ```sh
 * cd bench && nice -n 19 node --import=tsx src/middleware/cpuProbe.ts --framework fastify --rounds 8 --requests 4000
 * DEADBOLT_PROBE_B=/tmp/old-build nice -n 19 node --import=tsx src/middleware/cpuProbe.ts --framework fastify \
 *   --rounds 40 --requests 1500 --variants locked,lockedB
 * ```
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { RedisServer } from '@deadbolt/testing';
import { median } from '../results.js';
import { WorkerHandle } from '../WorkerHandle.js';
import { CORE_EXPERIMENTS, CORE_PREFIX } from './coreLockMiddleware.js';
import { PREFIX, selectFrameworks } from './frameworks.js';
import { CONNECTIONS } from './loadTest.js';

const GRACE_MS = 120_000;

const { values } = parseArgs({
  options: {
    framework: { type: 'string', multiple: true, default: [] },
    requests: { type: 'string', default: '4000' },
    warmup: { type: 'string', default: '4000' },
    rounds: { type: 'string', default: '6' },
    only: { type: 'string' },
    variants: { type: 'string' },
    'node-option': { type: 'string', multiple: true, default: [] },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
/** The route's variants this probe can measure: the three of the scenario, and the route behind the locker alone. */
const PATHS = {
  plain: PREFIX.plain,
  floor: PREFIX.floor,
  locked: PREFIX.locked,
  core: CORE_PREFIX,
  ...CORE_EXPERIMENTS,
} as const;
type Probed = keyof typeof PATHS;
/** `--only` one variant, or `--variants` a comma-separated list (experimental ones: Fastify only). */
const variants: readonly Probed[] =
  values.only !== undefined
    ? [values.only as Probed]
    : values.variants !== undefined
      ? (values.variants.split(',') as Probed[])
      : ['floor', 'core', 'locked'];

/** CPU µs per request of one window: the app's worker process, and the Redis server. */
interface WindowCost {
  readonly app: number;
  readonly redis: number;
}

/** Sends `amount` requests to `variant`; resolves the worker's and Redis's CPU µs per request over them. */
async function window(
  worker: WorkerHandle,
  port: number,
  variant: Probed,
  amount: number,
  tag: string,
): Promise<WindowCost> {
  const cpu = async (): Promise<number> =>
    (await worker.request({ type: 'usage' }, 'usage', GRACE_MS)).cpuMicros;
  let next = 0;
  const redisBefore = await redis.cpuSeconds();
  const before = await cpu();
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    amount,
    requests: [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `${PATHS[variant]}/items/${tag}-${next++}` }) },
    ],
  });
  const used = (await cpu()) - before;
  const redisUsed = ((await redis.cpuSeconds()) - redisBefore) * 1e6;
  if (result.non2xx + result.errors > 0)
    console.error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { app: used / result.requests.total, redis: redisUsed / result.requests.total };
}

const redis = await RedisServer.start();
try {
  for (const framework of selectFrameworks(values.framework ?? [])) {
    const worker = WorkerHandle.fork(values['node-option'] ?? []);
    try {
      const { port } = await worker.request(
        { type: 'serve', framework: framework.id, redisUrl: redis.url, probe: true },
        'serving',
        GRACE_MS,
      );
      for (const variant of variants)
        await window(worker, port, variant, Number(values.warmup), `w-${variant}`);
      const runs = Object.fromEntries(variants.map((variant) => [variant, [] as WindowCost[]])) as Record<
        Probed,
        WindowCost[]
      >;
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order)
          runs[variant].push(await window(worker, port, variant, requests, `r${round}`));
      }
      const f = (n: number): string => n.toFixed(1);
      const list = (xs: number[]): string => xs.map(f).join(' ');
      // Within-round differences: each variant beyond `core` and `floor`, and build B beyond this build.
      const pairs: [Probed, Probed][] = [
        ...variants.filter((v) => v !== 'core' && v !== 'floor').map((v): [Probed, Probed] => [v, 'core']),
        ['locked', 'floor'],
        ['lockedB', 'locked'],
      ];
      for (const side of ['app', 'redis'] as const) {
        const of = (variant: Probed): number[] => runs[variant].map((run) => run[side]);
        for (const variant of variants) {
          console.log(
            `${framework.name} ${side} ${variant}: median ${f(median(of(variant)))} µs/req [${list(of(variant))}]`,
          );
        }
        for (const [variant, base] of pairs) {
          if (!variants.includes(variant) || !variants.includes(base)) continue;
          const diffs = of(variant).map((value, round) => value - (of(base)[round] ?? 0));
          console.log(
            `${framework.name} ${side} ${variant}−${base}: median ${f(median(diffs))} µs/req [${list(diffs)}]`,
          );
        }
      }
      await worker.request({ type: 'unserve' }, 'unserved', GRACE_MS);
    } finally {
      await worker.stop();
    }
  }
} finally {
  await redis.stop();
}
