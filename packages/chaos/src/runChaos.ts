import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { startBackend } from './backend/ChaosBackend.js';
import { checkHistory } from './checker/checkHistory.js';
import type { Invariant, Violation } from './checker/Violation.js';
import type { HistoryEvent } from './history/events.js';
import { formatHistory } from './history/format.js';
import { resolveChaosOptions, type ChaosOptions } from './options.js';
import type { ChaosResult, ChaosRunInfo, Counterexample } from './result.js';
import { scheduleCommands, type ChaosModel } from './schedule/commands.js';

/** The real clock, captured before any run installs fake timers. */
const realNow = performance.now.bind(performance);

/** At most this many beyond-bounds violations per invariant are kept as a sample. */
const BEYOND_SAMPLE = 10;

interface Failure {
  violations: Violation[];
  events: readonly HistoryEvent[];
  scheduler: string;
  commands: string[];
  replayPath: string;
}

/**
 * Runs `runs` generated schedules of clients, operations and faults against the lock (on virtual time, or on real
 * redis-server processes with `backend: 'redis'`), checks every history, and shrinks the first failing schedule
 * to a minimal counterexample. The verdict is `fail` when any violation is labelled a bug; violations beyond the
 * stated bounds are reported but expected.
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
  const steps: Record<string, number> = {};
  const counts: Partial<Record<Invariant, { bug: number; beyond: number }>> = {};
  const beyondBounds: Violation[] = [];
  let schedules = 0;
  let grantCount = 0;
  let lastFailure: Failure | undefined;
  // The busiest passing schedule (most grants), drawn in the report when every schedule passed.
  let sample: { events: readonly HistoryEvent[]; grants: number } = { events: [], grants: -1 };
  const backend = await startBackend(config);
  const commands = fc.commands(
    scheduleCommands({
      clients: config.clients,
      ttl: config.ttl,
      faults: config.faults,
      bounds: config.bounds,
      driftFactor: config.lock.driftFactor,
      nodes: backend.nodes,
    }),
    {
      maxCommands: config.operations,
      size: 'max',
      ...(config.replayPath === undefined ? {} : { replayPath: config.replayPath }),
    },
  );
  const property = fc.asyncProperty(
    fc.scheduler(),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    commands,
    async (scheduler, seed, cmds) => {
      const world = await backend.createWorld({ scheduler, seed });
      try {
        // A crash takes a whole process: the model counts processes, so at least one of them stays alive.
        const model: ChaosModel = {
          crashed: 0,
          clients: Math.ceil(config.clients / config.clientsPerProcess),
        };
        await fc.asyncModelRun(() => ({ model, real: world }), cmds);
        await world.finish(5 * config.ttl);
      } finally {
        await world.dispose();
      }
      const ran = [...cmds].map(String);
      schedules += 1;
      const grants = world.history.events.filter(
        (e) => e.type === 'op' && e.op === 'acquire' && e.result === 'ok',
      ).length;
      grantCount += grants;
      if (grants > sample.grants) sample = { events: world.history.events, grants };
      config.onProgress?.({ done: schedules, runs: config.runs, shrinking: lastFailure !== undefined });
      for (const [kind, n] of world.stepCounts) steps[kind] = (steps[kind] ?? 0) + n;
      const violations = checkHistory(world.history);
      for (const v of violations) {
        const count = (counts[v.invariant] ??= { bug: 0, beyond: 0 });
        if (v.label === 'bug') count.bug += 1;
        else {
          count.beyond += 1;
          if (count.beyond <= BEYOND_SAMPLE) beyondBounds.push(v);
        }
      }
      if (!violations.some((v) => v.label === 'bug')) return true;
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
      };
      return false;
    },
  );
  const started = realNow();
  const details = await fc
    .check(property, {
      numRuns: config.runs,
      ...(config.seed === undefined ? {} : { seed: config.seed }),
      ...(config.path === undefined ? {} : { path: config.path }),
      endOnFailure: !config.shrink,
    })
    .finally(() => backend.stop());
  const durationMs = Math.round(realNow() - started);
  const statistics = { schedules, durationMs, grants: grantCount, steps, violations: counts };
  const run: ChaosRunInfo = {
    lock: config.lock.name,
    backend: config.backend,
    topology: config.topology,
    processes: config.processes,
    clients: config.clients,
    clientsPerProcess: config.clientsPerProcess,
    operations: config.operations,
    runs: config.runs,
    ttl: config.ttl,
    bounds: config.bounds,
    faults: config.faults,
  };
  const where = config.backend === 'mock' ? 'virtual time' : `redis ${config.topology}`;
  const shape =
    config.clientsPerProcess === 1
      ? `${config.clients} clients`
      : `${config.clients} clients, ${config.clientsPerProcess} per process`;
  if (!details.failed) {
    return {
      verdict: 'pass',
      summary: `PASS ${run.lock}: ${schedules} schedules on ${where} (${shape}, ≤${config.operations} steps, faults ${config.bounds} bounds), seed ${details.seed}, ${durationMs} ms`,
      seed: details.seed,
      run,
      violations: [],
      beyondBounds,
      history: sample.events,
      statistics,
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
  };
  const first = failure?.violations.find((v) => v.label === 'bug');
  return {
    verdict: 'fail',
    summary: `FAIL ${run.lock} on ${where}: ${first ? `${first.invariant} ${first.message}` : `the run threw: ${String(details.errorInstance)}`}; replay with { seed: ${counterexample.seed}, path: '${counterexample.path}', replayPath: '${counterexample.replayPath}' }`,
    seed: details.seed,
    run,
    violations: failure?.violations ?? [],
    beyondBounds,
    counterexample,
    history: failure?.events ?? sample.events,
    statistics,
  };
}
