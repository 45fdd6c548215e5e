/**
 * The soak, run inside a bench worker forked with `--expose-gc`: one ioredis connection, one locker with
 * deadbolt's defaults (ttl 10 s, renewal on, fair waiting), many loops acquiring and releasing keys of their
 * own, plus a few loops that hold long enough (on a short ttl) for renewal to fire. The measured cycles run
 * in segments; after each one every loop is idle, and a sample is taken after a full GC.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createLocker, type Locker } from '@deadbolt/core';
import { formatCount } from '../report/format.js';
import { closeRedis, connectRedis } from '../libraries/connect.js';
import { takeSample } from './soakSample.js';
import type { SoakPlan, SoakResult, SoakSample } from './soakTypes.js';

/** ttl of the renewing loops' locks, in ms: renewal fires every ⌊(300 − 5) / 3⌋ = 98 ms. */
const RENEW_TTL_MS = 300;
/** How long the renewing loops hold each lock, in ms: about two renewals per hold. */
const RENEW_HOLD_MS = 250;
/** After this many failures the soak stops, so a broken locker cannot spin. */
const MAX_ERRORS = 100;

/** Counters the loops of one segment share. */
interface Tally {
  /** Cycles claimed so far (a loop claims one before it acquires). */
  claimed: number;
  renewingCycles: number;
  errors: number;
  firstError?: string;
}

/** Runs the soak and resolves with the samples. */
export async function runSoak(plan: SoakPlan): Promise<SoakResult> {
  const redis = await connectRedis(plan.redisUrl);
  const locker = createLocker(redis);
  let renewals = 0;
  locker.on('extended', () => (renewals += 1));
  const tally: Tally = { claimed: 0, renewingCycles: 0, errors: 0 };
  try {
    await segment(locker, plan, tally, plan.warmupCycles);
    const began = performance.now();
    const before = await takeSample(locker, redis, 0, 0);
    log(before, plan.cycles, 'before');
    [renewals, tally.claimed, tally.renewingCycles] = [0, 0, 0];
    const samples: SoakSample[] = [];
    for (let index = 1; index <= plan.samples; index++) {
      await segment(locker, plan, tally, Math.round((plan.cycles * index) / plan.samples));
      const sample = await takeSample(locker, redis, tally.claimed, performance.now() - began);
      log(sample, plan.cycles, `${formatCount(sample.cycles / (sample.elapsedMs / 1000))} cycles/s`);
      samples.push(sample);
      if (tally.errors >= MAX_ERRORS) break;
    }
    const { redisUrl: _, ...settings } = plan;
    return {
      plan: settings,
      renewHoldMs: RENEW_HOLD_MS,
      renewTtlMs: RENEW_TTL_MS,
      renewals,
      renewingCycles: tally.renewingCycles,
      errors: tally.errors,
      ...(tally.firstError === undefined ? {} : { firstError: tally.firstError }),
      durationMs: performance.now() - began,
      before,
      samples,
    };
  } finally {
    await locker.close();
    await closeRedis(redis);
  }
}

/** Runs every loop until `upTo` cycles are claimed in all, and resolves once each loop is idle. */
async function segment(locker: Locker, plan: SoakPlan, tally: Tally, upTo: number): Promise<void> {
  const claim = (): boolean => tally.errors < MAX_ERRORS && tally.claimed++ < upTo;
  const quick = async (key: string): Promise<void> => {
    while (claim()) await cycle(tally, () => locker.acquire(key), 0);
  };
  const renewing = async (key: string): Promise<void> => {
    while (claim()) {
      tally.renewingCycles += 1;
      await cycle(tally, () => locker.acquire(key, { ttl: RENEW_TTL_MS }), RENEW_HOLD_MS);
    }
  };
  await Promise.all([
    ...Array.from({ length: plan.concurrency }, (_, index) => quick(`soak:${index}`)),
    ...Array.from({ length: plan.renewing }, (_, index) => renewing(`soak:renewing:${index}`)),
  ]);
  tally.claimed = Math.min(tally.claimed, upTo);
}

/** One acquire → hold → release; a failure is counted, never thrown. */
async function cycle(
  tally: Tally,
  acquire: () => Promise<{ release(): Promise<boolean> }>,
  holdMs: number,
): Promise<void> {
  try {
    const lock = await acquire();
    if (holdMs > 0) await sleep(holdMs);
    await lock.release();
  } catch (error) {
    tally.errors += 1;
    tally.firstError ??= error instanceof Error ? error.message : String(error);
  }
}

function log(sample: SoakSample, total: number, note: string): void {
  const heap = (sample.heapUsed / 2 ** 20).toFixed(2);
  console.log(
    `  soak ${formatCount(sample.cycles).padStart(9)}/${formatCount(total)} cycles  heap ${heap} MiB  listeners locker ${sample.lockerListeners} client ${sample.clientListeners} socket ${sample.socketListeners}  timers ${sample.resources['Timeout'] ?? 0}  resources ${Object.values(sample.resources).reduce((a, b) => a + b, 0)}  DBSIZE ${sample.dbsize}  (${note})`,
  );
}
