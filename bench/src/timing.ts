import type { Scenario } from './scenarios.js';

/** How long each library runs per scenario. */
export interface Timing {
  /** Warm-up before each measured window, in ms. */
  readonly warmupMs: number;
  /** Measured time per library per scenario, in ms, over all rounds. */
  readonly measureMs: number;
  /** Whether to measure in one window instead of the scenario's rounds. */
  readonly singleRound: boolean;
}

/**
 * Full run: 5 s measured per library per scenario (split into the scenario's rounds), each window after a
 * 0.3 s warm-up of freshly opened clients in workers that are already warm.
 */
export const FULL_TIMING: Timing = { warmupMs: 300, measureMs: 5_000, singleRound: false };
/** `--quick`: the same scenarios in one short window each (well under a minute in total). */
export const QUICK_TIMING: Timing = { warmupMs: 200, measureMs: 600, singleRound: true };

/** Rounds a scenario is measured in under `timing`. */
export function roundsOf(scenario: Scenario, timing: Timing): number {
  return timing.singleRound ? 1 : scenario.rounds;
}
