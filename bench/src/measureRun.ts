import type { RedisServer } from '@deadbolt/testing';
import type { LockLibrary } from './libraries/LockLibrary.js';
import { scenarioKeys, type Scenario } from './scenarios.js';
import type { RunResult } from './stats.js';
import type { WorkerHandle } from './WorkerHandle.js';
import { epochNow, type OpenMessage, type WorkerResult } from './worker/protocol.js';

/** One run: a library in a scenario, on a server, with a pool of at least `scenario.processes` workers. */
export interface RunPlan {
  readonly server: RedisServer;
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
 * Runs one library in one scenario on a flushed server: opens its clients in the workers, warms up on keys
 * of their own, resets Redis statistics, measures one window, and closes the clients again.
 */
export async function measureRun(plan: RunPlan): Promise<RunResult> {
  const { server, scenario, library } = plan;
  const workers = plan.workers.slice(0, scenario.processes);
  const admin = server.client();
  try {
    await admin.flushall();
    const open: OpenMessage = {
      type: 'open',
      library: library.id,
      redisUrl: server.url,
      clients: scenario.clientsPerProcess,
    };
    await Promise.all(workers.map((worker) => worker.request(open, 'opened', GRACE_MS)));
    try {
      await runWindow(workers, scenario, 'warmup', plan.warmupMs);
      await server.resetStats();
      const results = await runWindow(workers, scenario, 'measure', plan.windowMs);
      const redisCommands = libraryCommands(await server.commandStats());
      return { workers: results, windowMs: plan.windowMs, redisCommands };
    } finally {
      await Promise.allSettled(
        workers.map((worker) => worker.request({ type: 'close' }, 'closed', GRACE_MS)),
      );
    }
  } finally {
    admin.disconnect();
  }
}

/** Runs every worker's clients over one common window and collects their results. */
async function runWindow(
  workers: readonly WorkerHandle[],
  scenario: Scenario,
  phase: string,
  durationMs: number,
): Promise<WorkerResult[]> {
  const startAt = epochNow() + START_LEAD_MS;
  const endAt = startAt + durationMs;
  const replies = await Promise.all(
    workers.map((worker, index) =>
      worker.request(
        { type: 'run', keys: scenarioKeys(scenario, phase, index), holdMs: scenario.holdMs, startAt, endAt },
        'finished',
        START_LEAD_MS + durationMs + GRACE_MS,
      ),
    ),
  );
  return replies.map((reply) => reply.result);
}

/** Σ of the commands Redis executed, script-internal ones included, minus the benchmark's own. */
function libraryCommands(stats: Record<string, number>): number {
  return Object.entries(stats)
    .filter(([command]) => !OWN_COMMANDS.has(command))
    .reduce((total, [, calls]) => total + calls, 0);
}
