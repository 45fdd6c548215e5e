/**
 * The concurrent-acquires scenario, run inside a bench worker: for each variant, a new ioredis connection (with
 * or without `enableAutoPipelining`) and one lock client on it; `loops` acquire/release loops, each on a key of
 * its own, share that connection, first unmeasured (warm-up), then for the measured window. A first round of
 * every variant, not kept, warms the process up.
 */
import type { Redis } from 'ioredis';
import { deadboltOn } from '../libraries/deadbolt.js';
import type { LockClient } from '../libraries/LockLibrary.js';
import { closeRedis, connectRedis } from '../libraries/connect.js';
import { rawFloorOn } from '../libraries/rawFloor.js';
import { redisCommandsRun, redisCpuSeconds } from '../redisInfo.js';
import { percentile } from '../stats.js';
import { emptyTally, runClientLoop, type Tally } from '../worker/clientLoop.js';
import { epochNow } from '../worker/protocol.js';
import {
  cyclesPerSecond,
  PIPELINING_VARIANTS,
  type PipeliningPlan,
  type PipeliningResult,
  type PipeliningRow,
  type PipeliningVariant,
} from './pipeliningTypes.js';
import { countTraffic } from './trafficCounter.js';

/** One window of one variant: the counts of {@link PipeliningRow} and every acquire's latency. */
type WindowSample = Omit<
  PipeliningRow,
  keyof PipeliningVariant | 'roundCyclesPerSec' | 'acquireP50Ms' | 'acquireP99Ms'
> & {
  readonly waits: readonly number[];
};

/** Runs every round of the plan and resolves with one row per variant. */
export async function runPipelining(plan: PipeliningPlan): Promise<PipeliningResult> {
  const admin = await connectRedis(plan.redisUrl);
  const windows = PIPELINING_VARIANTS.map((): WindowSample[] => []);
  try {
    // Round 0 warms the process up (JIT, allocator) for every variant and is not kept. Odd rounds run the
    // variants in reverse order, so that a steady drift of the machine's speed favours none of them.
    for (let round = 0; round <= plan.rounds; round++) {
      const order = [...PIPELINING_VARIANTS.keys()];
      for (const index of round % 2 === 1 ? order.reverse() : order) {
        const variant = PIPELINING_VARIANTS[index] as PipeliningVariant;
        const sample = await measureWindow(admin, plan, variant, round);
        if (round > 0) windows[index]?.push(sample);
        console.log(
          `  ${round === 0 ? 'warm-up round' : `round ${round}`}, ${variant.lock}, auto-pipelining ${variant.autoPipelining ? 'on' : 'off'}: ` +
            `${Math.round(cyclesPerSecond(sample))} cycles/s, ` +
            `${(sample.socketWrites / sample.cycles).toFixed(3)} socket writes per cycle`,
        );
      }
    }
    const { loops, rounds, warmupMs, windowMs } = plan;
    return {
      plan: { loops, rounds, warmupMs, windowMs },
      rows: PIPELINING_VARIANTS.map((variant, i) => sumWindows(variant, windows[i])),
    };
  } finally {
    await closeRedis(admin);
  }
}

/** Opens the variant's connection and client, warms it up, and measures one window. */
async function measureWindow(
  admin: Redis,
  plan: PipeliningPlan,
  variant: PipeliningVariant,
  round: number,
): Promise<WindowSample> {
  const redis = await connectRedis(plan.redisUrl, { enableAutoPipelining: variant.autoPipelining });
  const client = variant.lock === 'raw' ? await rawFloorOn(redis) : deadboltOn(redis);
  try {
    const keys = Array.from({ length: plan.loops }, (_, i) => `pipelining:${variant.lock}:${round}:${i}`);
    await runLoops(client, keys, plan.warmupMs);
    const traffic = countTraffic(redis);
    const commandsBefore = await redisCommandsRun(admin);
    const redisCpuBefore = await redisCpuSeconds(admin);
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    const tally = await runLoops(client, keys, plan.windowMs);
    const elapsedMs = performance.now() - start;
    const cpu = process.cpuUsage(cpuBefore);
    const redisCpu = (await redisCpuSeconds(admin)) - redisCpuBefore;
    const sent = traffic();
    return {
      cycles: tally.grantsTotal,
      elapsedMs,
      clientCommands: sent.commands,
      redisCommands: (await redisCommandsRun(admin)) - commandsBefore,
      socketWrites: sent.writes,
      clientCpuMicros: cpu.user + cpu.system,
      redisCpuMicros: redisCpu * 1e6,
      waits: tally.waits,
      errors: tally.errors,
      ...(tally.firstError !== undefined && { firstError: tally.firstError }),
    };
  } finally {
    await client.close();
  }
}

/** One loop per key of acquire → release (no hold) on `client`, for `durationMs`; their shared tally. */
async function runLoops(client: LockClient, keys: readonly string[], durationMs: number): Promise<Tally> {
  const tally = emptyTally(keys.length);
  const startAt = epochNow();
  const endAt = startAt + durationMs;
  await Promise.all(
    keys.map((key, index) => runClientLoop(client, { index, key, holdMs: 0, startAt, endAt }, tally)),
  );
  return tally;
}

/** The variant's row: the windows' counts summed, latency percentiles over all their acquires. */
function sumWindows(variant: PipeliningVariant, windows: readonly WindowSample[] = []): PipeliningRow {
  const sum = (pick: (sample: WindowSample) => number): number =>
    windows.reduce((total, sample) => total + pick(sample), 0);
  const waits = windows.flatMap((sample) => sample.waits).sort((a, b) => a - b);
  const firstError = windows.find((sample) => sample.firstError !== undefined)?.firstError;
  return {
    ...variant,
    cycles: sum((s) => s.cycles),
    roundCyclesPerSec: windows.map(cyclesPerSecond),
    elapsedMs: sum((s) => s.elapsedMs),
    clientCommands: sum((s) => s.clientCommands),
    redisCommands: sum((s) => s.redisCommands),
    socketWrites: sum((s) => s.socketWrites),
    clientCpuMicros: sum((s) => s.clientCpuMicros),
    redisCpuMicros: sum((s) => s.redisCpuMicros),
    acquireP50Ms: percentile(waits, 0.5),
    acquireP99Ms: percentile(waits, 0.99),
    errors: sum((s) => s.errors),
    ...(firstError !== undefined && { firstError }),
  };
}
