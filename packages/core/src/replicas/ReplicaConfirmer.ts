import { LockRedisError } from '../errors/LockRedisError.js';
import { LockReplicationError } from '../errors/LockReplicationError.js';
import { withinTimeout } from '../driver/withinTimeout.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import type { ReplicaConfig } from './replicasOption.js';

/** A connection that can send `WAIT`. */
export type WaitingClient = ScriptClient & Required<Pick<ScriptClient, 'wait'>>;

/**
 * The `replicas` option's one step: after a script that wrote (a grant, an extend) answered on a connection,
 * `WAIT wait timeout` on that same connection, which counts the replicas that acknowledged every write the
 * connection made so far. Fewer than `wait` rejects with `LockReplicationError`; a failed or unanswered `WAIT`
 * (bounded by `timeout + commandTimeout`) with `LockRedisError`. One call confirms every write the connection
 * made before it, so a batch of renewals on one connection needs one call after its script.
 *
 * @example
 * ```ts
 * const confirmer = new ReplicaConfirmer(redis, { wait: 1, timeout: 50 }, 1_000)
 * await runner.run(EXTEND, leases, args)
 * await confirmer.confirm('order:42') // throws unless one replica has the extension
 * ```
 */
export class ReplicaConfirmer {
  readonly #client: WaitingClient;
  readonly #replicas: ReplicaConfig;
  readonly #bound: number;

  constructor(client: WaitingClient, replicas: ReplicaConfig, commandTimeout: number) {
    this.#client = client;
    this.#replicas = replicas;
    this.#bound = replicas.timeout + commandTimeout;
  }

  /** Resolves once enough replicas acknowledged; `key` names the lock in the error. */
  async confirm(key: string): Promise<void> {
    const { wait, timeout } = this.#replicas;
    let acknowledged: unknown;
    try {
      acknowledged = await withinTimeout(
        this.#client.wait(wait, timeout),
        this.#bound,
        `Redis did not answer WAIT within ${this.#bound} ms`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LockRedisError(`Redis WAIT failed: ${message}`, { cause: error });
    }
    const count = Number(acknowledged);
    if (!(count >= wait)) throw new LockReplicationError(key, wait, Number.isFinite(count) ? count : 0);
  }
}
