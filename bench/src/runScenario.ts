import type { RedisServer } from '@deadbolt/testing';
import type { LockLibrary } from './libraries/LockLibrary.js';
import { measureRun } from './measureRun.js';
import { libraryLine } from './progress.js';
import { ratioToBaseline, type LibraryResult, type ScenarioResult } from './results.js';
import { permitsOf, type Scenario } from './scenarios.js';
import { summarize, type RunResult } from './stats.js';
import { roundsOf, type Timing } from './timing.js';
import type { WorkerHandle } from './WorkerHandle.js';

/** What {@link runScenario} needs. */
export interface ScenarioPlan {
  /** At least `scenario.masters` servers; a single-node scenario uses the first. */
  readonly servers: readonly RedisServer[];
  readonly workers: readonly WorkerHandle[];
  readonly scenario: Scenario;
  /** The libraries to choose from; the scenario's own list picks (and orders) those it measures. */
  readonly libraries: readonly LockLibrary[];
  readonly timing: Timing;
  /** Receives a progress line after each round and each library's summary. */
  readonly log: (line: string) => void;
}

/**
 * Measures every library in one scenario: the measuring time is split into rounds, and in each round the
 * libraries take turns in an order rotated by one, so no library always runs first or last.
 */
export async function runScenario(plan: ScenarioPlan): Promise<ScenarioResult> {
  const { scenario, timing } = plan;
  const libraries = scenario.libraries.flatMap((id) => plan.libraries.filter((library) => library.id === id));
  const rounds = roundsOf(scenario, timing);
  const runs = new Map<LockLibrary, RunResult[]>(libraries.map((library) => [library, []]));
  for (let round = 0; round < rounds; round++) {
    const order = libraries.map((_, index) => libraries[(index + round) % libraries.length]);
    for (const library of order) {
      if (library === undefined) continue;
      const run = await measureRun({
        servers: plan.servers,
        workers: plan.workers,
        scenario,
        library,
        warmupMs: timing.warmupMs,
        windowMs: timing.measureMs / rounds,
      });
      runs.get(library)?.push(run);
    }
    if (rounds > 1) plan.log(`  round ${round + 1}/${rounds} done`);
  }
  const rows: LibraryResult[] = libraries.map((library) => ({
    library,
    measurement: summarize(runs.get(library) ?? [], permitsOf(scenario)),
  }));
  const result: ScenarioResult = { scenario, rows };
  for (const row of rows) plan.log(libraryLine(row, ratioToBaseline(result, row), scenario));
  return result;
}
