import type { LockAdapter } from './adapter/LockAdapter.js';
import { INVARIANT_NAMES } from './checker/Violation.js';
import { cliLockName } from './cli/lockNames.js';
import { replayCommand } from './cli/replayCommand.js';
import type { ChaosOptions } from './options.js';
import { runSize } from './report/runText.js';
import type { ChaosResult } from './result.js';
import { runChaos } from './runChaos.js';

/** What replays a failure exactly: add it to the options the run was given. */
export interface ChaosReplay {
  readonly seed: number;
  readonly path: string;
  readonly replayPath: string;
  readonly runs: 1;
  readonly shrink: false;
}

/**
 * The lock broke an invariant within its bounds: thrown by {@link assertLockCorrect}. Its message names the
 * violations, the run size, the counterexample and how to replay it (the options, and the CLI command when the
 * lock is a built-in one); `result` holds everything, `replay` the options to add.
 *
 * @example
 * ```ts
 * try { await assertLockCorrect(lock) } catch (e) { if (e instanceof LockViolationError) console.log(e.replay) }
 * ```
 */
export class LockViolationError extends Error {
  override readonly name = 'LockViolationError';
  readonly code = 'ERR_CHAOS_VIOLATION';
  readonly replay: ChaosReplay;

  /** @param lock - the adapter that ran, to print a CLI replay command when it is a built-in lock. */
  constructor(
    readonly result: ChaosResult,
    lock?: LockAdapter,
  ) {
    const ce = result.counterexample;
    const replay: ChaosReplay = {
      seed: ce?.seed ?? result.seed,
      path: ce?.path ?? '',
      replayPath: ce?.replayPath ?? '',
      runs: 1,
      shrink: false,
    };
    const first = result.violations.find((v) => v.label === 'bug');
    const name = lock === undefined ? undefined : cliLockName(lock);
    const cli = name === undefined ? undefined : replayCommand(result, name);
    super(
      [
        `${result.run.lock} broke ${first ? `${first.invariant} (${INVARIANT_NAMES[first.invariant]}): ${first.message}` : `the run: ${result.summary}`}`,
        `  found after ${runSize(result)}${ce ? `; the failing schedule had ttl ${ce.ttl} ms` : ''}`,
        ...result.violations.map((v) => `  ${v.invariant} at ${v.at} ms, ${v.label}: ${v.message}`),
        `  replay: add { seed: ${replay.seed}, path: '${replay.path}', replayPath: '${replay.replayPath}', runs: 1, shrink: false } to the options`,
        ...(cli === undefined ? [] : [`  or run: ${cli}`]),
        ...(ce ? [`  counterexample (${ce.commands.length} steps): ${ce.commands.join('; ')}`] : []),
      ].join('\n'),
    );
    this.replay = replay;
  }
}

/**
 * Runs the harness on `lock` and throws a {@link LockViolationError} when it finds a violation labelled a bug; the
 * message says what broke and how to replay it, so a test runner's failure output is enough to reproduce it.
 * Works in any runner that fails a test on a rejected promise: mocha, node:test, vitest, jest. Resolves the
 * result when the lock passed (violations beyond the stated bounds do not fail it), and when the run was
 * `inconclusive` (a required path never ran): check `result.verdict` or `result.paths.missing` for that.
 *
 * @example
 * ```ts
 * it('my lock is correct under chaos', async () => {
 *   await assertLockCorrect(myLockAdapter, { runs: 200 })
 * })
 * ```
 */
export async function assertLockCorrect(
  lock: LockAdapter,
  options: Omit<ChaosOptions, 'lock'> = {},
): Promise<ChaosResult> {
  const result = await runChaos({ ...options, lock });
  if (result.verdict === 'fail') throw new LockViolationError(result, lock);
  return result;
}
