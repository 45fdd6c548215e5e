import { runChaos, type ChaosOptions, type ChaosResult } from '@deadbolt/chaos';

/** Runs a result's counterexample again, in one run, with the options the run was given. */
export function replay(result: ChaosResult, options: ChaosOptions): Promise<ChaosResult> {
  const ce = result.counterexample;
  if (!ce) throw new Error(`nothing to replay: ${result.summary}`);
  return runChaos({
    ...options,
    seed: ce.seed,
    path: ce.path,
    replayPath: ce.replayPath,
    runs: 1,
    shrink: false,
  });
}
