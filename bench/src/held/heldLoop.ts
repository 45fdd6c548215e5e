/**
 * The many-held-locks scenario, run inside a bench worker forked with `--expose-gc`: one ioredis connection,
 * one locker with deadbolt's defaults; for each count it acquires that many locks (ttl 10 s, renewal on),
 * waits until each renewed twice (from then on their renewals are aligned on their slots and share scripts),
 * watches them for `holdMs` (renewal scripts, CPU, lateness, losses), then runs acquire/release loops on other
 * keys beside them.
 * The same loops run with no lock held right before the locks are acquired and right after they are released:
 * the row's ratio is to the mean of those two, so a machine that drifts over the run does not decide it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocker, type Lock, type Locker } from '@deadbolt/core';
import type { Redis } from 'ioredis';
import { closeRedis, connectRedis } from '../libraries/connect.js';
import { redisCpuSeconds } from '../redisInfo.js';
import type { HeldPlan, HeldResult, HeldRow } from './heldTypes.js';

/** Acquires (and releases) in flight while the held locks are taken (and let go). */
const IN_FLIGHT = 128;

/** Runs the scenario and resolves with one row per count. */
export async function runHeld(plan: HeldPlan): Promise<HeldResult> {
  const redis = await connectRedis(plan.redisUrl);
  const admin = await connectRedis(plan.redisUrl);
  const renewalScripts = countRenewalScripts(redis);
  const locker = createLocker(redis, { ttl: plan.ttlMs });
  const drift = Math.floor(plan.ttlMs * 0.01) + 2;
  const periodMs = Math.floor((plan.ttlMs - drift) / 3);
  const watch = new RenewalWatch(locker, periodMs);
  try {
    const rows: HeldRow[] = [];
    for (const count of plan.counts) {
      rows.push(await measure(locker, admin, plan, count, watch, renewalScripts));
      const row = rows.at(-1) as HeldRow;
      console.log(
        `  ${count} locks: ${row.renewalScripts} renewal scripts for ${row.renewals} renewals in ${row.windowMs} ms, ` +
          `${Math.round(row.heapPerLock)} B heap per lock, ${row.lost} lost${row.firstLoss ? ` (first: ${row.firstLoss})` : ''}, ${Math.round(row.cyclesPerSec)} cycles/s beside them ` +
          `(${Math.round(row.noneHeldBefore)} before, ${Math.round(row.noneHeldAfter)} after with none held)`,
      );
    }
    const baselines = rows.flatMap((row) => [row.noneHeldBefore, row.noneHeldAfter]);
    const baselineCyclesPerSec = baselines.reduce((sum, perSec) => sum + perSec, 0) / baselines.length;
    return { plan: withoutUrl(plan), periodMs, baselineCyclesPerSec, rows };
  } finally {
    await locker.close();
    await Promise.all([closeRedis(redis), closeRedis(admin)]);
  }
}

async function measure(
  locker: Locker,
  admin: Redis,
  plan: HeldPlan,
  count: number,
  watch: RenewalWatch,
  renewalScripts: () => number,
): Promise<HeldRow> {
  const noneHeldBefore = await cycleLoops(locker, plan, `none:${count}:before`);
  // The watch's own record of the locks is made before the heap is measured: not counted as the locks' heap.
  watch.prepare(count);
  const heapBefore = heapAfterGc();
  const acquireStart = performance.now();
  const stalls = monitorEventLoopDelay({ resolution: 10 });
  stalls.enable();
  const locks = await inBatches(count, (i) => acquireRetrying(locker, `held:${count}:${i}`));
  stalls.disable();
  console.log(
    `  event loop delay while acquiring: max ${Math.round(stalls.max / 1e6)} ms, p99 ${Math.round(stalls.percentile(99) / 1e6)} ms`,
  );
  const acquireMs = performance.now() - acquireStart;
  const heapPerLock = (heapAfterGc() - heapBefore) / count;
  watch.reset(count);
  console.log(
    `  ${acquireFailures} acquires tried again; ${count} locks acquired in ${Math.round(acquireMs)} ms; ${watch.failed} renewal failures so far${watch.firstFailure ? ` (${watch.firstFailure})` : ''}, ${watch.lost} lost${watch.firstLoss ? ` (${watch.firstLoss})` : ''}`,
  );
  // The first renewals align them, the second put each on its slot of the period (see RenewalSchedule);
  // bounded, so that locks that never renew (lost) cannot hang the run.
  await Promise.race([watch.everyRenewed(), sleep(2 * plan.ttlMs)]);
  watch.reset(count);
  await Promise.race([watch.everyRenewed(), sleep(2 * plan.ttlMs)]);
  watch.reset(count, false);
  const [scriptsBefore, cpuBefore, redisBefore, start] = [
    renewalScripts(),
    process.cpuUsage(),
    await redisCpuSeconds(admin),
    performance.now(),
  ];
  await sleep(plan.holdMs);
  const windowMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const redisCpu = (await redisCpuSeconds(admin)) - redisBefore;
  const scripts = renewalScripts() - scriptsBefore;
  const renewals = watch.renewals;
  const beside = await cycleLoops(locker, plan, `held:${count}`);
  const lost = watch.lost;
  const maxLatenessMs = watch.maxLatenessMs;
  // A release that fails (a timed-out command) leaves its lease to end by its ttl: counted, not fatal.
  let releaseFailures = 0;
  await inBatches(count, (i) => (locks[i] as Lock).release().catch(() => releaseFailures++));
  if (releaseFailures > 0)
    console.log(`  ${releaseFailures} releases failed (their leases end by their ttl)`);
  const noneHeldAfter = await cycleLoops(locker, plan, `none:${count}:after`);
  return {
    locks: count,
    acquireMs: Math.round(acquireMs),
    heapPerLock,
    windowMs: Math.round(windowMs),
    renewalScripts: scripts,
    renewals,
    clientCpu: (cpu.user + cpu.system) / 1000 / windowMs,
    redisCpu: (redisCpu * 1000) / windowMs,
    maxLatenessMs: Math.round(maxLatenessMs),
    lost,
    renewFailures: watch.failed,
    ...(watch.firstFailure !== undefined && { firstRenewFailure: watch.firstFailure }),
    ...(watch.firstLoss !== undefined && { firstLoss: watch.firstLoss }),
    cyclesPerSec: beside.perSec,
    noneHeldBefore: noneHeldBefore.perSec,
    noneHeldAfter: noneHeldAfter.perSec,
    errors: beside.errors + noneHeldBefore.errors + noneHeldAfter.errors,
    ...(beside.firstError !== undefined && { firstError: beside.firstError }),
  };
}

/** Follows the `extended` and `lost` events of the held locks (keys `held:…`). */
class RenewalWatch {
  renewals = 0;
  lost = 0;
  /** Renewal attempts that failed (each retried while the lease is valid), over the whole run. */
  failed = 0;
  firstFailure: string | undefined;
  firstLoss: string | undefined;
  maxLatenessMs = 0;
  readonly #periodMs: number;
  /**
   * When each held lock (by its index in `held:count:index`) last renewed, in whole ms, NaN before its first
   * renewal: a typed array made before the locks' heap is measured, written without allocating (a map of 100 000
   * keys would be counted in the heap per lock, and a fractional time stored in it is a heap number per renewal,
   * promoted before the lock's next renewal replaces it: GC cost that the loops beside the locks would pay).
   */
  #last = new Float64Array(0);
  /** The keys of the locks held now start with it. */
  #prefix = 'held:';
  #waiting = 0;
  #allRenewed: (() => void) | undefined;

  constructor(locker: Locker, periodMs: number) {
    this.#periodMs = periodMs;
    locker.on('extended', ({ key }) => this.#extended(key));
    locker.on('lost', ({ key, error }) => {
      if (!key.startsWith('held:')) return;
      this.lost++;
      this.firstLoss ??= `${error.reason}: ${error.message}`;
    });
    locker.on('renewFailed', ({ error }) => {
      this.failed++;
      this.firstFailure ??= error.message;
    });
  }

  /** Makes the record of `count` held locks (keys `held:count:index`), before they are acquired. */
  prepare(count: number): void {
    this.#prefix = `held:${count}:`;
    this.#last = new Float64Array(count).fill(Number.NaN);
  }

  /** Starts counting again; `fresh`: forget when each lock last renewed (a new set of locks). */
  reset(count: number, fresh = true): void {
    if (fresh) this.#last.fill(Number.NaN);
    this.#waiting = count;
    this.renewals = 0;
    this.maxLatenessMs = 0;
  }

  /** Resolves once every held lock renewed since the last fresh reset. */
  everyRenewed(): Promise<void> {
    return new Promise((resolve) => (this.#allRenewed = resolve));
  }

  #extended(key: string): void {
    if (!key.startsWith(this.#prefix)) return;
    const index = Number(key.slice(this.#prefix.length));
    const now = Math.floor(performance.now());
    const last = this.#last[index] as number;
    this.#last[index] = now;
    this.renewals++;
    if (Number.isNaN(last)) {
      if (--this.#waiting === 0) this.#allRenewed?.();
    } else this.maxLatenessMs = Math.max(this.maxLatenessMs, now - last - this.#periodMs);
  }
}

/** Acquires `key`, trying again (up to 5 times) after a Redis failure such as a timed-out command. */
async function acquireRetrying(locker: Locker, key: string): Promise<Lock> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await locker.acquire(key);
    } catch (error) {
      acquireFailures++;
      if (attempt === 5) throw error;
    }
  }
}

/** Acquires of the held locks that failed and were tried again, over the run. */
let acquireFailures = 0;

/** `loops` loops acquiring and releasing keys of their own for `throughputMs`; cycles per second. */
async function cycleLoops(
  locker: Locker,
  plan: HeldPlan,
  label: string,
): Promise<{ perSec: number; errors: number; firstError?: string }> {
  let cycles = 0;
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + plan.throughputMs;
  await Promise.all(
    Array.from({ length: plan.loops }, async (_, index) => {
      const key = `other:${label}:${index}`;
      while (performance.now() < end) {
        try {
          await (await locker.acquire(key)).release();
          cycles++;
        } catch (error) {
          errors++;
          firstError ??= String(error);
        }
      }
    }),
  );
  const perSec = cycles / ((performance.now() - start) / 1000);
  return { perSec, errors, ...(firstError !== undefined && { firstError }) };
}

/** Runs `task(0…count−1)` with {@link IN_FLIGHT} at a time; resolves their results in order. */
async function inBatches<T>(count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, count) }, async () => {
      for (let index = next++; index < count; index = next++) results[index] = await task(index);
    }),
  );
  return results;
}

/**
 * Counts the renewal scripts `redis` sends: `EXTEND` and `EXTEND_MANY` are the scripts with three or more
 * arguments after their keys (an acquire has two, a release one).
 */
function countRenewalScripts(redis: Redis): () => number {
  let sent = 0;
  for (const name of ['evalsha', 'eval'] as const) {
    const send = redis[name].bind(redis) as (...args: (string | number)[]) => Promise<unknown>;
    const counted = (script: string, numKeys: number, ...rest: (string | number)[]): Promise<unknown> => {
      if (rest.length - numKeys >= 3) sent++;
      return send(script, numKeys, ...rest);
    };
    Object.assign(redis, { [name]: counted });
  }
  return () => sent;
}

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

function withoutUrl({ redisUrl: _, ...plan }: HeldPlan): Omit<HeldPlan, 'redisUrl'> {
  return plan;
}
