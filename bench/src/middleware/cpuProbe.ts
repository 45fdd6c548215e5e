/**
 * The middleware's app CPU per request, measured so that the machine's load barely moves it: a bench worker
 * process serves the app (`itemServer.ts`, `@deadbolt/*` from their built `dist/`), and autocannon (in this
 * process) sends it a fixed number of requests per window with {@link CONNECTIONS} connections, each to a fresh
 * key. The worker's `process.cpuUsage()` is read around every window. Variants alternate (`floor`, `core`,
 * `locked`, then the reverse, …; `core` is the route behind the locker alone, see `coreLockMiddleware.ts`) for `--rounds` rounds; the report is the median over rounds of each variant's CPU
 * µs per request and of `locked − floor` within each round (what `lockRequests` costs beyond the raw lock), and
 * of `locked − core` (what it costs beyond the locker's acquire and release).
 * `--node-option` passes flags to the worker (e.g. `--cpu-prof`, `--trace-deopt`); `--only` serves one
 * variant only (for a profile of it alone).
 *
 * @example
 * ```sh
 * cd bench && nice -n 19 node --import=tsx src/middleware/cpuProbe.ts --framework fastify --rounds 8 --requests 4000
 * ```
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { RedisServer } from '@deadbolt/testing';
import { median } from '../results.js';
import { WorkerHandle } from '../WorkerHandle.js';
import { CORE_PREFIX } from './coreLockMiddleware.js';
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
    'node-option': { type: 'string', multiple: true, default: [] },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
/** The route's variants this probe measures: the two of the scenario, and the route behind the locker alone. */
const PATHS = { floor: PREFIX.floor, locked: PREFIX.locked, core: CORE_PREFIX } as const;
type Probed = keyof typeof PATHS;
const variants: readonly Probed[] =
  values.only === undefined ? ['floor', 'core', 'locked'] : [values.only as Probed];

/** Sends `amount` requests to `variant`; resolves the worker's CPU µs per request over them. */
async function window(worker: WorkerHandle, port: number, variant: Probed, amount: number, tag: string) {
  const cpu = async (): Promise<number> =>
    (await worker.request({ type: 'usage' }, 'usage', GRACE_MS)).cpuMicros;
  let next = 0;
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
  if (result.non2xx + result.errors > 0)
    console.error(`${variant}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return used / result.requests.total;
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
      const runs: Record<Probed, number[]> = { floor: [], core: [], locked: [] };
      const extra: number[] = [];
      const beyondCore: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order)
          runs[variant].push(await window(worker, port, variant, requests, `r${round}`));
        if (variants.length > 1) {
          extra.push((runs.locked[round] ?? 0) - (runs.floor[round] ?? 0));
          beyondCore.push((runs.locked[round] ?? 0) - (runs.core[round] ?? 0));
        }
      }
      const f = (n: number): string => n.toFixed(1);
      const list = (xs: number[]): string => xs.map(f).join(' ');
      for (const variant of variants) {
        console.log(
          `${framework.name} ${variant}: median ${f(median(runs[variant]))} µs/req [${list(runs[variant])}]`,
        );
      }
      if (extra.length > 0) {
        console.log(`${framework.name} locked−floor: median ${f(median(extra))} µs/req [${list(extra)}]`);
        console.log(
          `${framework.name} locked−core: median ${f(median(beyondCore))} µs/req [${list(beyondCore)}]`,
        );
      }
      await worker.request({ type: 'unserve' }, 'unserved', GRACE_MS);
    } finally {
      await worker.stop();
    }
  }
} finally {
  await redis.stop();
}
