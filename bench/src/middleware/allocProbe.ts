/**
 * The middleware's cost per request, measured so that the machine's load barely moves it: CPU µs and bytes
 * allocated per request, in this one process, for each framework's route without a lock (`plain`), behind the
 * raw lock (`floor`) and behind `lockRequests` (`locked`). Requests go one at a time over one keep-alive
 * loopback connection to the very app the middleware scenario serves (`itemServer.ts`), on a real Redis, each to
 * a fresh key (uncontended). The client's share is the same for every variant, so `locked − floor` is what
 * `lockRequests` costs beyond the raw lock.
 *
 * Bytes allocated are read from V8's GC profiler: the used heap's growth between collections, summed. Run it
 * without `--conditions=source`, so that the `@deadbolt/*` packages load from their built `dist/` (build them
 * first), as the bench worker loads them: tsx wraps every closure of their source in a naming helper.
 *
 * @example
 * ```sh
 * cd bench && nice -n 19 node --expose-gc --import=tsx src/middleware/allocProbe.ts --requests 20000
 * ```
 */
import { Agent } from 'node:http';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { RedisServer } from '@deadbolt/testing';
import { PREFIX, selectFrameworks, type Variant } from './frameworks.js';
import { startItemServer } from './itemServer.js';
import { probeGet } from './probeGet.js';

/** CPU and allocation per request of one variant. */
interface Probe {
  readonly cpuMicros: number;
  readonly bytes: number;
}

const VARIANTS: readonly Variant[] = ['plain', 'floor', 'locked'];

/** Bytes the heap grew by across the collections `statistics` lists, plus since the last one. */
function allocatedBytes(profile: ReturnType<v8.GCProfiler['stop']>, before: number, after: number): number {
  let freed = 0;
  for (const entry of profile?.statistics ?? []) {
    freed += entry.beforeGC.heapStatistics.usedHeapSize - entry.afterGC.heapStatistics.usedHeapSize;
  }
  return after - before + freed;
}

async function measure(port: number, variant: Variant, requests: number, tag: string): Promise<Probe> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await probeGet(agent, port, `${PREFIX[variant]}/items/${tag}-open`);
    globalThis.gc?.();
    const profiler = new v8.GCProfiler();
    const heapBefore = v8.getHeapStatistics().used_heap_size;
    profiler.start();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < requests; i++) await probeGet(agent, port, `${PREFIX[variant]}/items/${tag}-${i}`);
    const cpu = process.cpuUsage(cpuBefore);
    const heapAfter = v8.getHeapStatistics().used_heap_size;
    const profile = profiler.stop();
    return {
      cpuMicros: (cpu.user + cpu.system) / requests,
      bytes: allocatedBytes(profile, heapBefore, heapAfter) / requests,
    };
  } finally {
    agent.destroy();
  }
}

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    framework: { type: 'string', multiple: true, default: [] },
    rounds: { type: 'string', default: '2' },
  },
});
const requests = Number(values.requests);
const rounds = Number(values.rounds);
if (typeof globalThis.gc !== 'function')
  console.error('note: run with --expose-gc for a clean start per probe');

const redis = await RedisServer.start();
try {
  for (const framework of selectFrameworks(values.framework ?? [])) {
    const app = await startItemServer(framework.id, redis.url);
    try {
      for (const variant of VARIANTS) await measure(app.port, variant, Number(values.warmup), `w-${variant}`);
      const best: Record<Variant, Probe[]> = { plain: [], floor: [], locked: [] };
      for (let round = 0; round < rounds; round++) {
        for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) {
          best[variant].push(await measure(app.port, variant, requests, `r${round}-${variant}`));
        }
      }
      // The least CPU over the rounds: load only ever adds to it. Bytes barely vary.
      const pick = (variant: Variant): Probe => ({
        cpuMicros: Math.min(...best[variant].map((p) => p.cpuMicros)),
        bytes: Math.min(...best[variant].map((p) => p.bytes)),
      });
      const [plain, floor, locked] = VARIANTS.map(pick) as [Probe, Probe, Probe];
      const f = (n: number): string => n.toFixed(1).padStart(7);
      const b = (n: number): string => Math.round(n).toString().padStart(7);
      console.log(
        `${framework.name.padEnd(8)} CPU µs/req plain ${f(plain.cpuMicros)} floor ${f(floor.cpuMicros)} locked ${f(locked.cpuMicros)} (+${f(locked.cpuMicros - floor.cpuMicros)})` +
          `   bytes/req plain ${b(plain.bytes)} floor ${b(floor.bytes)} locked ${b(locked.bytes)} (+${b(locked.bytes - floor.bytes)})`,
      );
    } finally {
      await app.close();
    }
  }
} finally {
  await redis.stop();
}
