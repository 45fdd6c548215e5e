import { formatTtl } from '../options.js';
import type { ChaosResult } from '../result.js';

/**
 * The `deadbolt-chaos` command line that replays a result's counterexample exactly (same lock, backend, topology,
 * shape, seed, path and replay path, one run, no shrinking), or `undefined` when it passed. It always parses: the
 * seed is written `--seed=-42`, so a negative one is not taken for an option. `replicaWait`: the `--replica-wait`
 * the lock ran with (deadbolt's replicas option), if any.
 *
 * @example
 * ```ts
 * replayCommand(result, 'naive') // 'deadbolt-chaos --lock naive ... --seed=-42 --path "3:1" --replay-path "AB" --no-shrink'
 * ```
 */
export function replayCommand(
  result: ChaosResult,
  lockName: string,
  replicaWait?: number,
): string | undefined {
  const ce = result.counterexample;
  if (!ce) return undefined;
  const r = result.run;
  return [
    'deadbolt-chaos',
    `--backend ${r.backend}`,
    // The mock has topologies too (quorum3, quorum5): a quorum counterexample replays on a quorum.
    ...(r.topology === 'single' ? [] : [`--topology ${r.topology}`]),
    ...(r.backend === 'redis' ? [`--processes ${r.processes}`] : []),
    ...(r.client === 'ioredis' ? [] : [`--client ${r.client}`]),
    `--lock ${lockName}`,
    ...(replicaWait === undefined ? [] : [`--replica-wait ${replicaWait}`]),
    `--clients ${r.clients}`,
    ...(r.clientsPerProcess === 1 ? [] : [`--clients-per-process ${r.clientsPerProcess}`]),
    `--operations ${r.operations}`,
    // The path leads straight to the counterexample: one run replays it.
    '--runs 1',
    `--ttl ${formatTtl(r.ttl)}`,
    ...(r.contention ? [] : ['--no-contention']),
    ...(r.limit === 1 ? [] : [`--limit ${r.limit}`]),
    ...(r.sharedRatio === 0 ? [] : [`--shared-ratio ${r.sharedRatio}`]),
    `--bounds ${r.bounds}`,
    `--faults ${r.faults.join(',')}`,
    // `=`: a negative seed after a space would read as an option.
    `--seed=${ce.seed}`,
    `--path "${ce.path}"`,
    `--replay-path "${ce.replayPath}"`,
    '--no-shrink',
  ].join(' ');
}
