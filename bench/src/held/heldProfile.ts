/**
 * A quick attribution of the many-held-locks cost, for a machine shared with other work (CPU accounting, not
 * throughput): `node --expose-gc --import=tsx --conditions=source src/held/heldProfile.ts [count] [windowMs]`
 * from bench/. On a redis-server of its own (a free port), one connection and one locker hold `count` locks
 * (default 100 000, ttl 10 s); once their renewals are aligned it measures, over `windowMs` (default 20 000):
 * client CPU, GC pause time and Redis CPU per renewal with nothing else running, then the same with 16
 * acquire/release loops on other keys beside them; the loops run alone too, before the locks are acquired and
 * after they are released (client CPU and GC per cycle). `IDLE_ONLY=1`: the locks alone. `PROFILE=file` also writes a CPU profile of the idle window (self time by function).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:net';
import { PerformanceObserver } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocker, type Lock, type Locker } from '@deadbolt/core';
import { Redis } from 'ioredis';
import { redisCpuSeconds } from '../redisInfo.js';

const count = Number(process.argv[2] ?? 100_000);
const windowMs = Number(process.argv[3] ?? 20_000);
const loops = 16;

let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });

/** A free TCP port. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Sample {
  ms: number;
  cpuMs: number;
  gcMs: number;
  gcs: number;
  redisMs: number;
  renewals: number;
  cycles: number;
}

let renewals = 0;
let cycles = 0;

async function sample(admin: Redis, during: Promise<unknown> | number): Promise<Sample> {
  const [cpu, gc, gcs, redis, start, renewed, cycled] = [
    process.cpuUsage(),
    gcMs,
    gcCount,
    await redisCpuSeconds(admin),
    performance.now(),
    renewals,
    cycles,
  ];
  await (typeof during === 'number' ? sleep(during) : during);
  const used = process.cpuUsage(cpu);
  return {
    ms: performance.now() - start,
    cpuMs: (used.user + used.system) / 1000,
    gcMs: gcMs - gc,
    gcs: gcCount - gcs,
    redisMs: ((await redisCpuSeconds(admin)) - redis) * 1000,
    renewals: renewals - renewed,
    cycles: cycles - cycled,
  };
}

function show(label: string, s: Sample): void {
  const per = (total: number, n: number): string => (n > 0 ? ((total * 1000) / n).toFixed(2) : '-');
  console.log(
    `${label}: ${Math.round(s.ms)} ms, client cpu ${((s.cpuMs / s.ms) * 100).toFixed(1)} %, gc ${((s.gcMs / s.ms) * 100).toFixed(2)} % (${s.gcs} pauses), ` +
      `redis ${((s.redisMs / s.ms) * 100).toFixed(1)} %; ${s.renewals} renewals (client ${per(s.cpuMs, s.renewals)} µs, gc ${per(s.gcMs, s.renewals)} µs, redis ${per(s.redisMs, s.renewals)} µs each); ` +
      `${s.cycles} cycles (client ${per(s.cpuMs, s.cycles)} µs, gc ${per(s.gcMs, s.cycles)} µs, redis ${per(s.redisMs, s.cycles)} µs each)`,
  );
}

async function cycleLoops(locker: Locker, ms: number, label: string): Promise<void> {
  const end = performance.now() + ms;
  await Promise.all(
    Array.from({ length: loops }, async (_, index) => {
      const key = `other:${label}:${index}`;
      while (performance.now() < end) {
        await (await locker.acquire(key)).release();
        cycles++;
      }
    }),
  );
}

/** Acquires `key`, again after a timed-out command (a loaded machine). */
async function acquireRetrying(locker: Locker, key: string): Promise<Lock> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await locker.acquire(key);
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

async function main(): Promise<void> {
  const port = await freePort();
  const server = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  try {
    await sleep(300);
    const redis = new Redis(port);
    const admin = new Redis(port);
    const locker = createLocker(redis, { ttl: 10_000 });
    locker.on('extended', () => renewals++);
    let lost = 0;
    locker.on('lost', () => lost++);
    if (!process.env['IDLE_ONLY'])
      show('none + loops', await sample(admin, cycleLoops(locker, windowMs, 'before')));
    (globalThis as { gc?: () => void }).gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const locks: Lock[] = new Array<Lock>(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: 128 }, async () => {
        for (let i = next++; i < count; i = next++) locks[i] = await acquireRetrying(locker, `held:${i}`);
      }),
    );
    (globalThis as { gc?: () => void }).gc?.();
    console.log(
      `${count} held: ${Math.round((process.memoryUsage().heapUsed - heapBefore) / count)} B heap per lock`,
    );
    // Two renewals each: aligned on their slots.
    while (renewals < 2 * count) await sleep(200);
    const idle = await sample(admin, windowMs / 2);
    show('held, idle', idle);
    let profile: Session | undefined;
    if (process.env['PROFILE']) {
      profile = new Session();
      profile.connect();
      await profile.post('Profiler.enable');
      await profile.post('Profiler.start');
      if (process.env['ALLOC'])
        await profile.post('HeapProfiler.startSampling', {
          samplingInterval: 4096,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        });
    }
    show('held, idle', await sample(admin, windowMs / 2));
    if (profile) {
      const { profile: cpuProfile } = await profile.post('Profiler.stop');
      writeFileSync(process.env['PROFILE'] as string, JSON.stringify(cpuProfile));
      if (process.env['ALLOC']) {
        const { profile: heap } = await profile.post('HeapProfiler.stopSampling');
        writeFileSync(process.env['ALLOC'], JSON.stringify(heap));
      }
      profile.disconnect();
    }
    if (process.env['IDLE_ONLY']) {
      await locker.close();
      redis.disconnect();
      admin.disconnect();
      return;
    }
    show('held + loops', await sample(admin, cycleLoops(locker, windowMs, 'held')));
    await Promise.all(locks.map((lock) => lock.release().catch(() => false)));
    (globalThis as { gc?: () => void }).gc?.();
    show('none + loops', await sample(admin, cycleLoops(locker, windowMs, 'none')));
    console.log(`lost: ${lost}`);
    await locker.close();
    redis.disconnect();
    admin.disconnect();
  } finally {
    server.kill();
  }
}

await main();
