import type { RedisServer } from '@deadbolt/testing';
import type { LockLibrary } from './libraries/LockLibrary.js';
import { scenarioKeys, type Scenario } from './scenarios.js';
import type { RunResult } from './stats.js';
import type { WorkerHandle } from './WorkerHandle.js';
import { epochNow, type OpenMessage, type WorkerResult } from './worker/protocol.js';

/**
 * One run: a library in a scenario, on `scenario.masters` servers (the first one alone for a single-node
 * scenario), with a pool of at least `scenario.processes` workers.
 */
export interface RunPlan {
  readonly servers: readonly RedisServer[];
  readonly workers: readonly WorkerHandle[];
  readonly scenario: Scenario;
  readonly library: LockLibrary;
  readonly warmupMs: number;
  readonly windowMs: number;
}

/** Lead time between the start message and the common start instant, so every worker starts together. */
const START_LEAD_MS = 100;
/** Time allowed after the window for acquires still waiting to finish and for a worker to answer. */
const GRACE_MS = 60_000;
/** Commands the benchmark itself sends to read and reset statistics; they are not the library's. */
const OWN_COMMANDS = new Set(['info', 'config|resetstat', 'flushall']);

/**
 * Runs one library in one scenario on flushed servers: opens its clients in the workers, warms up on keys
 * of their own, resets Redis statistics, measures one window (pausing the first master for exactly that
 * window when the scenario says so), and closes the clients again.
 */
export async function measureRun(plan: RunPlan): Promise<RunResult> {
  const { scenario, library } = plan;
  const servers = plan.servers.slice(0, scenario.masters);
  if (servers.length < scenario.masters) throw new Error(`${scenario.id} needs ${scenario.masters} servers`);
  const workers = plan.workers.slice(0, scenario.processes);
  const admins = servers.map((server) => server.client());
  try {
    await Promise.all(admins.map((admin) => admin.flushall()));
    const open: OpenMessage = {
      type: 'open',
      library: library.id,
      redisUrls: servers.map((server) => server.url),
      clients: scenario.clientsPerProcess,
      shared: scenario.sharedClient,
    };
    await Promise.all(workers.map((worker) => worker.request(open, 'opened', GRACE_MS)));
    try {
      await runWindow(workers, scenario, 'warmup', plan.warmupMs);
      await Promise.all(servers.map((server) => server.resetStats()));
      const cpuBefore = await redisCpuSeconds(servers);
      const stalled = scenario.pausedMaster ? servers[0] : undefined;
      const results = await runWindow(workers, scenario, 'measure', plan.windowMs, stalled);
      const redisCpuMs = ((await redisCpuSeconds(servers)) - cpuBefore) * 1000;
      const stats = await Promise.all(servers.map((server) => server.commandStats()));
      const redisCommands = stats.reduce((total, counts) => total + libraryCommands(counts), 0);
      return { workers: results, windowMs: plan.windowMs, redisCommands, redisCpuMs };
    } finally {
      await Promise.allSettled(
        workers.map((worker) => worker.request({ type: 'close' }, 'closed', GRACE_MS)),
      );
    }
  } finally {
    for (const admin of admins) admin.disconnect();
  }
}

/**
 * Runs every worker's clients over one common window and collects their results. A `stalled` server is
 * paused from the window's start to its end, so acquires that wait for it finish only after the window.
 */
async function runWindow(
  workers: readonly WorkerHandle[],
  scenario: Scenario,
  phase: string,
  durationMs: number,
  stalled?: RedisServer,
): Promise<WorkerResult[]> {
  const startAt = epochNow() + START_LEAD_MS;
  const endAt = startAt + durationMs;
  const pause = stalled && setTimeout(() => stalled.pause(), startAt - epochNow());
  const resume = stalled && setTimeout(() => stalled.resume(), endAt - epochNow());
  try {
    const replies = await Promise.all(
      workers.map((worker, index) =>
        worker.request(
          {
            type: 'run',
            keys: scenarioKeys(scenario, phase, index),
            holdMs: scenario.holdMs,
            startAt,
            endAt,
            ...(scenario.mode && { mode: scenario.mode }),
          },
          'finished',
          START_LEAD_MS + durationMs + GRACE_MS,
        ),
      ),
    );
    return replies.map((reply) => reply.result);
  } finally {
    clearTimeout(pause);
    clearTimeout(resume);
    stalled?.resume();
  }
}

/** Σ of the servers' CPU time so far, in seconds. */
async function redisCpuSeconds(servers: readonly RedisServer[]): Promise<number> {
  const seconds = await Promise.all(servers.map((server) => server.cpuSeconds()));
  return seconds.reduce((total, value) => total + value, 0);
}

/** Σ of the commands Redis executed, script-internal ones included, minus the benchmark's own. */
function libraryCommands(stats: Record<string, number>): number {
  return Object.entries(stats)
    .filter(([command]) => !OWN_COMMANDS.has(command))
    .reduce((total, [, calls]) => total + calls, 0);
}
