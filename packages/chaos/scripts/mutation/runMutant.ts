import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Mutant } from './mutants.js';
import type { BatteryOutcome } from './runBattery.js';

/** The core sources the mutants apply to. */
export const CORE_SRC = fileURLToPath(new URL('../../../core/src/', import.meta.url));
const REGISTER = fileURLToPath(new URL('register.mjs', import.meta.url));
const RUN_BATTERY = fileURLToPath(new URL('runBattery.ts', import.meta.url));

/** A mutant's result: the battery's outcome, or `timeout` when the child ran past its time. */
export type MutantOutcome =
  BatteryOutcome | { readonly killedBy: 'timeout'; readonly verdict: 'timeout'; readonly ms: number };

/**
 * Runs the battery (or the runs named in `runs`) in a child process with `mutant` applied in memory (none: the
 * lock as it is), niced, and resolves its outcome; the child is killed after `timeoutMs`.
 *
 * @example
 * ```ts
 * const outcome = await runMutant(MUTANTS[0], ['defaults'])
 * if (outcome.killedBy === null) console.log('survived')
 * ```
 */
export function runMutant(
  mutant: Mutant | undefined,
  runs: readonly string[] = [],
  { timeoutMs = 300_000, schedules }: { timeoutMs?: number; schedules?: number } = {},
): Promise<MutantOutcome> {
  const env = { ...process.env };
  delete env.DEADBOLT_MUTANT;
  if (mutant)
    env.DEADBOLT_MUTANT = JSON.stringify({
      file: CORE_SRC + mutant.file,
      search: mutant.search,
      replace: mutant.replace,
    });
  const started = Date.now();
  const child = spawn(
    'nice',
    [
      '-n',
      '19',
      process.execPath,
      '--import',
      REGISTER,
      '--import',
      'tsx',
      '--conditions=source',
      RUN_BATTERY,
      ...runs,
      ...(schedules === undefined ? [] : ['--schedules', String(schedules)]),
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ killedBy: 'timeout', verdict: 'timeout', ms: Date.now() - started });
      const line = stdout.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(line) as BatteryOutcome);
      } catch {
        // The child died before reporting (the mutant broke loading, or the harness crashed): a kill, with its reason.
        resolve({
          killedBy: 'crash',
          verdict: 'threw',
          summary: `exit ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
          schedules: 0,
          ms: Date.now() - started,
        });
      }
    });
  });
}
