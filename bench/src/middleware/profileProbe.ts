/**
 * Where the middleware's cost per request goes: a CPU profile (self time) and a sampling heap profile (bytes
 * allocated) of the app, in this process, while it serves `--requests` requests to the route behind the raw
 * lock (`floor`) and then behind `lockRequests` (`locked`), each to a fresh key over a few keep-alive
 * connections. Self time and bytes are summed per part (the `@deadbolt/http` package, the framework adapter,
 * `@deadbolt/core`, ioredis, the web framework, Node's internals, GC, …) and per function, per request; the
 * report lists both variants and `locked − floor`. Run it without `--conditions=source` (the `@deadbolt/*`
 * packages then load from their built `dist/`, as the bench worker loads them; build them first).
 *
 * @example
 * ```sh
 * cd bench && nice -n 19 node --import=tsx src/middleware/profileProbe.ts --framework fastify --requests 20000
 * ```
 */
import { Agent } from 'node:http';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { RedisServer } from '@deadbolt/testing';
import { PREFIX, selectFrameworks, type Variant } from './frameworks.js';
import { startItemServer } from './itemServer.js';
import { probeGet } from './probeGet.js';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface CpuNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}
interface HeapNode {
  callFrame: CallFrame;
  selfSize: number;
  children: HeapNode[];
}

/** The part of the app a frame belongs to. */
function partOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName === '' ? '(anonymous native)' : `(${functionName})`;
  if (url.startsWith('node:')) return 'node';
  const pkg = /packages\/(http|express|koa|fastify|hono|core)\//.exec(url);
  if (pkg) return pkg[1] === 'http' || pkg[1] === 'core' ? `@deadbolt/${pkg[1]}` : `adapter:${pkg[1]}`;
  if (url.includes('/bench/src/')) return 'bench';
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(url);
  return dep?.[1] ?? url;
}

function frameName(frame: CallFrame): string {
  const file = frame.url.replace(/^.*\/(packages|node_modules)\//, '').replace(/^file:\/\//, '');
  return `${frame.functionName || '(anon)'} ${file}:${frame.lineNumber + 1}`;
}

type Tally = Map<string, number>;
const add = (tally: Tally, key: string, value: number): void => {
  tally.set(key, (tally.get(key) ?? 0) + value);
};

function cpuTallies(profile: CpuProfile): { parts: Tally; functions: Tally } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parts: Tally = new Map();
  const functions: Tally = new Map();
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    if (node === undefined || node.callFrame.functionName === '(idle)') return;
    const micros = profile.timeDeltas[index] ?? 0;
    add(parts, partOf(node.callFrame), micros);
    add(functions, frameName(node.callFrame), micros);
  });
  return { parts, functions };
}

function heapTallies(root: HeapNode): { parts: Tally; functions: Tally } {
  const parts: Tally = new Map();
  const functions: Tally = new Map();
  const visit = (node: HeapNode): void => {
    if (node.selfSize > 0) {
      add(parts, partOf(node.callFrame), node.selfSize);
      add(functions, frameName(node.callFrame), node.selfSize);
    }
    node.children.forEach(visit);
  };
  visit(root);
  return { parts, functions };
}

async function load(port: number, variant: Variant, requests: number, tag: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < requests) await probeGet(agent, port, `${PREFIX[variant]}/items/${tag}-${next++}`);
  };
  await Promise.all([lane(), lane(), lane(), lane()]);
  agent.destroy();
}

const { values } = parseArgs({
  options: {
    framework: { type: 'string', multiple: true, default: [] },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '5000' },
    top: { type: 'string', default: '25' },
    save: { type: 'string' },
    /** Sample only what is still alive at the end (what survived GC), not everything allocated. */
    live: { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);
const VARIANTS: readonly Variant[] = ['floor', 'locked'];

const session = new Session();
session.connect();
const redis = await RedisServer.start();
try {
  for (const framework of selectFrameworks(values.framework ?? [])) {
    const app = await startItemServer(framework.id, redis.url);
    try {
      for (const variant of VARIANTS) await load(app.port, variant, Number(values.warmup), `w-${variant}`);
      const cpu: Record<string, ReturnType<typeof cpuTallies>> = {};
      const heap: Record<string, ReturnType<typeof heapTallies>> = {};
      for (const variant of VARIANTS) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('HeapProfiler.enable');
        await session.post('HeapProfiler.startSampling', {
          samplingInterval: 512,
          includeObjectsCollectedByMajorGC: !values.live,
          includeObjectsCollectedByMinorGC: !values.live,
        });
        await session.post('Profiler.start');
        await load(app.port, variant, requests, `p-${variant}`);
        const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
        const { profile: heapProfile } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
          profile: { head: HeapNode };
        };
        await session.post('Profiler.disable');
        if (values.save !== undefined) {
          writeFileSync(`${values.save}/${framework.id}-${variant}.cpuprofile`, JSON.stringify(profile));
          writeFileSync(`${values.save}/${framework.id}-${variant}.heapprofile`, JSON.stringify(heapProfile));
        }
        cpu[variant] = cpuTallies(profile);
        heap[variant] = heapTallies(heapProfile.head);
      }
      const report = (
        title: string,
        unit: string,
        of: Record<string, { parts: Tally; functions: Tally }>,
      ) => {
        console.log(`\n== ${framework.name}: ${title} per request (${unit}) ==`);
        for (const level of ['parts', 'functions'] as const) {
          const keys = new Set([...(of.floor?.[level].keys() ?? []), ...(of.locked?.[level].keys() ?? [])]);
          const rows = [...keys].map((key) => {
            const floor = (of.floor?.[level].get(key) ?? 0) / requests;
            const locked = (of.locked?.[level].get(key) ?? 0) / requests;
            return { key, floor, locked, diff: locked - floor };
          });
          rows.sort((a, b) => Math.abs(b.diff) - Math.abs(a.diff));
          const total = rows.reduce((t, r) => ({ floor: t.floor + r.floor, locked: t.locked + r.locked }), {
            floor: 0,
            locked: 0,
          });
          if (level === 'parts') {
            console.log(
              `  TOTAL floor ${total.floor.toFixed(1)} locked ${total.locked.toFixed(1)} diff ${(total.locked - total.floor).toFixed(1)}`,
            );
          } else console.log('  -- functions by |locked − floor| --');
          for (const row of rows.slice(0, level === 'parts' ? 20 : Number(values.top))) {
            console.log(
              `  ${row.diff >= 0 ? '+' : ''}${row.diff.toFixed(2).padStart(8)}  floor ${row.floor.toFixed(2).padStart(8)}  locked ${row.locked.toFixed(2).padStart(8)}  ${row.key}`,
            );
          }
        }
      };
      report('CPU self time', 'µs', cpu);
      const ours = (title: string, of: Record<string, { functions: Tally }>): void => {
        const rows = [...(of['locked']?.functions ?? new Map<string, number>())].filter(([key]) =>
          /^[^ ]* (http|express|koa|fastify|hono)\/dist\//.test(key),
        );
        rows.sort((a, b) => b[1] - a[1]);
        console.log(`  -- locked: ${title} of @deadbolt/http and the adapter, by function --`);
        for (const [key, value] of rows.slice(0, 20))
          console.log(`  ${(value / requests).toFixed(2).padStart(8)}  ${key}`);
      };
      ours('CPU µs', cpu);
      report('bytes allocated (sampled)', 'bytes', heap);
      ours('bytes', heap);
    } finally {
      await app.close();
    }
  }
} finally {
  await redis.stop();
  session.disconnect();
}
