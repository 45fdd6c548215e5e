import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { checkHistory } from './checker/checkHistory.js';
import type { Invariant, Violation } from './checker/Violation.js';
import { formatHistory } from './history/format.js';
import { resolveChaosOptions, type ChaosOptions } from './options.js';
import type { ChaosResult, Counterexample } from './result.js';
import { scheduleCommands, type ChaosModel } from './schedule/commands.js';
import { World } from './world/World.js';

/** The real clock, captured before any run installs fake timers. */
const realNow = performance.now.bind(performance);

/** At most this many beyond-bounds violations per invariant are kept as a sample. */
const BEYOND_SAMPLE = 10;

/**
 * Runs `runs` generated schedules of clients, operations and faults against the lock on the virtual-time backend,
 * checks every history, and shrinks the first failing schedule to a minimal counterexample. The verdict is `fail`
 * when any violation is labelled a bug; violations beyond the stated bounds are reported but expected.
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
  let lastFailure:
    | { violations: Violation[]; history: string; scheduler: string; commands: string[]; replayPath: string }
    | undefined;
  const commands = fc.commands(
    scheduleCommands({
      clients: config.clients,
      ttl: config.ttl,
      faults: config.faults,
      bounds: config.bounds,
      driftFactor: config.lock.driftFactor,
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
      const world = new World({
        lock: config.lock,
        clients: config.clients,
        ttl: config.ttl,
        bounds: config.bounds,
        scheduler,
        seed,
      });
      const ran: string[] = [];
      try {
        const model: ChaosModel = { crashed: 0, clients: config.clients };
        await fc.asyncModelRun(() => ({ model, real: world }), cmds);
        await world.finish(5 * config.ttl);
      } finally {
        world.dispose();
      }
      for (const cmd of cmds) ran.push(String(cmd));
      // fc.commands renders as "cmd1,cmd2 /*replayPath=...*/" once it has run.
      schedules += 1;
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
      const bugs = violations.filter((v) => v.label === 'bug');
      if (bugs.length === 0) return true;
      const replayPath = /replayPath="([^"]*)"/.exec((cmds as { toString(): string }).toString())?.[1] ?? '';
      lastFailure = {
        replayPath,
        violations,
        history: formatHistory(world.history.events),
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
  const details = await fc.check(property, {
    numRuns: config.runs,
    ...(config.seed === undefined ? {} : { seed: config.seed }),
    ...(config.path === undefined ? {} : { path: config.path }),
    endOnFailure: !config.shrink,
  });
  const durationMs = Math.round(realNow() - started);
  const statistics = { schedules, durationMs, steps, violations: counts };
  const name = config.lock.name;
  if (!details.failed) {
    return {
      verdict: 'pass',
      summary: `PASS ${name}: ${schedules} schedules (${config.clients} clients, ≤${config.operations} steps, faults ${config.bounds} bounds), seed ${details.seed}, ${durationMs} ms`,
      seed: details.seed,
      violations: [],
      beyondBounds,
      statistics,
    };
  }
  const failure = lastFailure;
  const counterexample: Counterexample = {
    seed: details.seed,
    path: details.counterexamplePath ?? '',
    replayPath: failure?.replayPath ?? '',
    commands: failure?.commands ?? [],
    history:
      failure?.history ?? (details.errorInstance instanceof Error ? details.errorInstance.message : ''),
    scheduler: failure?.scheduler ?? '',
  };
  const first = failure?.violations.find((v) => v.label === 'bug');
  return {
    verdict: 'fail',
    summary: `FAIL ${name}: ${first ? `${first.invariant} ${first.message}` : 'the run threw'}; replay with { seed: ${counterexample.seed}, path: '${counterexample.path}', replayPath: '${counterexample.replayPath}' }`,
    seed: details.seed,
    violations: failure?.violations ?? [],
    beyondBounds,
    counterexample,
    statistics,
  };
}
