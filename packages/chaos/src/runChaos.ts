import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { ChaosAdapterError } from './adapter/connectAdapter.js';
import { startBackend } from './startBackend.js';
import { checkHistory } from './checker/checkHistory.js';
import type { Violation } from './checker/Violation.js';
import type { HistoryEvent } from './history/events.js';
import { formatHistory } from './history/format.js';
import { formatTtl, resolveChaosOptions, type ChaosOptions } from './options.js';
import type { ChaosResult, ChaosRunInfo, ChaosStatistics, Counterexample } from './result.js';
import { NO_PATHS } from './paths/pathCounts.js';
import { pathReport } from './paths/pathReport.js';
import type { ChaosModel } from './schedule/commands.js';
import { replayableScheduler } from './schedule/replayableScheduler.js';
import { scheduleArbitrary } from './schedule/scheduleArbitrary.js';
import { RunTally } from './tally.js';

/** The real clock, captured before any run installs fake timers. */
const realNow = performance.now.bind(performance);

interface Failure {
  violations: Violation[];
  events: readonly HistoryEvent[];
  scheduler: string;
  commands: string[];
  replayPath: string;
  ttl: number;
}

/**
 * Runs `runs` generated schedules of clients, operations and faults against the lock (on virtual time, or on real
 * redis-server processes with `backend: 'redis'`), checks every history, and shrinks the first failing schedule
 * to a minimal counterexample. The verdict is `fail` when any violation is labelled a bug; violations beyond the
 * stated bounds are reported but expected. Without a bug, it is `inconclusive` when a path the run required
 * (`requirePaths`; by default `grant` and, on mock with `contention`, `contendedWait`, of those the lock claims)
 * never ran. Rejects with a `ChaosAdapterError` when the lock adapter itself breaks (its `connect` throws), at the first
 * schedule, with the global clock and `Math.random` restored.
 *
 * @example
 * ```ts
 * const result = await runChaos({ runs: 200 })
 * expect(result.verdict, result.summary).to.equal('pass')
 * // replay a failure: await runChaos({ seed: result.counterexample.seed, path: result.counterexample.path })
 * ```
 */
export async function runChaos(options: ChaosOptions = {}): Promise<ChaosResult> {
  const config = resolveChaosOptions(options);
  const tally = new RunTally();
  let lastFailure: Failure | undefined;
  let adapterError: ChaosAdapterError | undefined;
  const backend = await startBackend(config);
  const started = realNow();
  const property = fc.asyncProperty(
    replayableScheduler(),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    scheduleArbitrary(config, backend.nodes),
    async (newScheduler, worldSeed, { ttl, commands: cmds }) => {
      const scheduler = newScheduler();
      // A broken adapter fails every schedule the same way: say so once, without building more worlds.
      if (adapterError) throw adapterError;
      const world = await backend.createWorld({ scheduler, worldSeed, ttl }).catch((error: unknown) => {
        if (error instanceof ChaosAdapterError) adapterError = error;
        throw error;
      });
      try {
        // A crash takes a whole process: the model counts processes, so at least one of them stays alive.
        const model: ChaosModel = {
          crashed: 0,
          clients: Math.ceil(config.clients / config.clientsPerProcess),
        };
        await world.run(async () => {
          await fc.asyncModelRun(() => ({ model, real: world }), cmds);
          await world.finish(5 * ttl);
        });
      } finally {
        await world.dispose();
      }
      const ran = [...cmds].map(String);
      const violations = checkHistory(world.history);
      const lockStats = [...new Set(world.clients.map((c) => c.lock))].map((l) => l.stats?.() ?? {});
      tally.add(world, ttl, violations, lockStats);
      config.onProgress?.({
        done: tally.schedules,
        runs: config.runs,
        shrinking: tally.shrinking,
        shrinkRuns: tally.shrinkRuns,
        elapsedMs: realNow() - started,
      });
      if (!violations.some((v) => v.label === 'bug')) return true;
      tally.shrinking = true;
      // fc.commands renders as "cmd1,cmd2 /*replayPath=...*/" once it has run.
      const replayPath = /replayPath="([^"]*)"/.exec((cmds as { toString(): string }).toString())?.[1] ?? '';
      lastFailure = {
        replayPath,
        violations,
        events: world.history.events,
        scheduler: scheduler
          .report()
          .map((t) => t.label)
          .join(' '),
        commands: ran,
        ttl,
      };
      return false;
    },
  );
  const details = await fc
    .check(property, {
      numRuns: config.runs,
      ...(config.seed === undefined ? {} : { seed: config.seed }),
      ...(config.path === undefined ? {} : { path: config.path }),
      endOnFailure: !config.shrink,
    })
    .finally(() => backend.stop());
  if (adapterError) throw adapterError;
  const durationMs = Math.round(realNow() - started);
  const statistics = tally.statistics(durationMs);
  const paths = pathReport(config, tally.paths ?? NO_PATHS);
  const run: ChaosRunInfo = {
    lock: config.lock.name,
    backend: config.backend,
    topology: config.topology,
    processes: config.processes,
    client: config.client,
    clients: config.clients,
    clientsPerProcess: config.clientsPerProcess,
    operations: config.operations,
    runs: config.runs,
    ttl: config.ttl,
    contention: config.contention,
    limit: config.limit,
    sharedRatio: config.sharedRatio,
    bounds: config.bounds,
    faults: config.faults,
  };
  const quorum = config.topology === 'single' ? '' : ` (${config.topology})`;
  const where = config.backend === 'mock' ? `virtual time${quorum}` : `redis ${config.topology}`;
  const shape =
    config.clientsPerProcess === 1
      ? `${config.clients} clients`
      : `${config.clients} clients, ${config.clientsPerProcess} per process`;
  const ttl = `ttl ${formatTtl(config.ttl)} ms`;
  if (!details.failed) {
    const inconclusive = paths.missing.length > 0;
    const excused = excusedSummary(statistics.violations);
    return {
      verdict: inconclusive ? 'inconclusive' : 'pass',
      summary: `${inconclusive ? 'INCONCLUSIVE' : 'PASS'} ${run.lock}: ${inconclusive ? `never exercised: ${paths.missing.join(', ')}; ` : ''}${tally.schedules} schedules on ${where} (${shape}, ≤${config.operations} steps, ${ttl}, faults ${config.bounds} bounds), seed ${details.seed}, ${durationMs} ms${excused}`,
      seed: details.seed,
      run,
      violations: [],
      beyondBounds: tally.beyondBounds,
      history: tally.sample.events,
      statistics,
      paths,
    };
  }
  const failure = lastFailure;
  const counterexample: Counterexample = {
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    replayPath: failure?.replayPath ?? '',
    commands: failure?.commands ?? [],
    history: failure
      ? formatHistory(failure.events)
      : details.errorInstance instanceof Error
        ? details.errorInstance.message
        : '',
    scheduler: failure?.scheduler ?? '',
    ttl: failure?.ttl ?? config.ttl.min,
  };
  const first = failure?.violations.find((v) => v.label === 'bug');
  const found = `schedule ${tally.schedules} of ${config.runs}${tally.shrinkRuns > 0 ? ` + ${tally.shrinkRuns} shrink runs` : ''}, ttl ${counterexample.ttl} ms`;
  return {
    verdict: 'fail',
    summary: `FAIL ${run.lock} on ${where}: ${first ? `${first.invariant} ${first.message}` : `the run threw: ${String(details.errorInstance)}`} (${found}); replay with { seed: ${counterexample.seed}, path: '${counterexample.path}', replayPath: '${counterexample.replayPath}' }`,
    seed: details.seed,
    run,
    violations: failure?.violations ?? [],
    beyondBounds: tally.beyondBounds,
    counterexample,
    history: failure?.events ?? tally.sample.events,
    statistics,
    paths,
  };
}

/** A passing run's note of the violations excused as beyond the stated bounds (say which), or nothing. */
function excusedSummary(violations: ChaosStatistics['violations']): string {
  const excused = Object.entries(violations).filter(([, count]) => (count?.beyond ?? 0) > 0);
  if (excused.length === 0) return '';
  const total = excused.reduce((sum, [, count]) => sum + (count?.beyond ?? 0), 0);
  return `; ${total} violation(s) excused as beyond the stated bounds (${excused.map(([invariant]) => invariant).join(', ')}; see beyondBounds)`;
}
