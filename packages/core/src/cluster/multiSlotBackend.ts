import { LockRedisError } from '../errors/LockRedisError.js';
import { LockReplicationError } from '../errors/LockReplicationError.js';
import type { QuorumNodeResult } from '../errors/QuorumError.js';
import { VotingBackend, type PartRunner, type VotingPart } from '../quorum/VotingBackend.js';
import type { LockTarget } from '../keys/target.js';
import { splitBySlot } from './splitBySlot.js';

/**
 * The backend of a Cluster lock whose keys lie in several slots: taken slot by slot in one round of parallel
 * scripts, granted only when every slot granted, fenced with the highest slot fence, which a second round writes
 * to every slot before the lock is returned. `runnerOf` runs one slot's scripts (with the `replicas` option, it
 * also confirms that slot's writes on its master). A slot that failed makes the operation fail with
 * `LockRedisError`, or with that slot's `LockReplicationError` when its replicas did not confirm.
 *
 * @example
 * ```ts
 * const runner = new ScriptRunner(cluster, 1_000)
 * const multi = multiSlotBackend(() => runner, 1_000, 10_000)
 * ```
 */
export function multiSlotBackend(
  runnerOf: (target: LockTarget) => PartRunner,
  commandTimeout: number,
  defaultTtl: number,
): VotingBackend {
  return new VotingBackend(
    {
      sharded: true,
      parts: (target: LockTarget): VotingPart[] =>
        splitBySlot(target).map((part, node) => ({
          node,
          runner: runnerOf(part.target),
          target: part.target,
        })),
      required: (count) => count,
      timeout: () => commandTimeout,
      // Each slot counts its fences from its own last one: the lock's fence is written to every slot before
      // the lock is returned, so later grants of its keys are higher even if it is never extended or released.
      confirmFence: true,
      failure: (message, nodes) => replicationError(nodes) ?? clusterError(message, nodes),
    },
    defaultTtl,
  );
}

function replicationError(nodes: readonly QuorumNodeResult[]): LockReplicationError | undefined {
  return nodes.map((node) => node.error).find((error) => error instanceof LockReplicationError);
}

function clusterError(message: string, nodes: readonly QuorumNodeResult[]): LockRedisError {
  return new LockRedisError(`Cluster lock across slots failed: ${message}`, {
    cause: nodes.find((node) => node.error)?.error,
  });
}
