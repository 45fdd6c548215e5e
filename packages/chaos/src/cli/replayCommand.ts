import type { ChaosResult } from '../result.js';

/**
 * The `deadbolt-chaos` command line that replays a result's counterexample exactly (same lock, backend, shape,
 * seed, path and replay path, no shrinking), or `undefined` when it passed.
 *
 * @example
 * ```ts
 * replayCommand(result, 'naive') // 'deadbolt-chaos --lock naive ... --seed 42 --path "3:1" --replay-path "AB" --no-shrink'
 * ```
 */
export function replayCommand(result: ChaosResult, lockName: string): string | undefined {
  const ce = result.counterexample;
  if (!ce) return undefined;
  const r = result.run;
  return [
    'deadbolt-chaos',
    `--backend ${r.backend}`,
    ...(r.backend === 'redis' ? [`--topology ${r.topology}`, `--processes ${r.processes}`] : []),
    `--lock ${lockName}`,
    `--clients ${r.clients}`,
    ...(r.clientsPerProcess === 1 ? [] : [`--clients-per-process ${r.clientsPerProcess}`]),
    `--operations ${r.operations}`,
    `--runs ${r.runs}`,
    `--ttl ${r.ttl}`,
    `--bounds ${r.bounds}`,
    `--faults ${r.faults.join(',')}`,
    `--seed ${ce.seed}`,
    `--path "${ce.path}"`,
    `--replay-path "${ce.replayPath}"`,
    '--no-shrink',
  ].join(' ');
}
