import { LockRedisError } from '../errors/LockRedisError.js';
import { LockReplicationError } from '../errors/LockReplicationError.js';
import { withinTimeout } from '../driver/withinTimeout.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import type { Renewal, RenewalOutcome } from '../lease/RenewalBatcher.js';
import type { ReplicaConfig } from './replicasOption.js';

/** A connection that can send `WAIT`. */
export type WaitingClient = ScriptClient & Required<Pick<ScriptClient, 'wait'>>;

/**
 * The `replicas` option's one step: after a script that wrote (a grant, an extend) answered on a connection,
 * `WAIT wait timeout` on that same connection, which counts the replicas that acknowledged every write the
 * connection made so far. Fewer than `wait` rejects with `LockReplicationError`; a failed or unanswered `WAIT`
 * (bounded by `timeout + commandTimeout`) with `LockRedisError`. One call confirms every write the connection
 * made before it, so a batch of renewals on one connection needs one call after its script
 * ({@link ReplicaConfirmer.confirmRenewals}).
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
    const refused = this.#refusal(key, await this.#acknowledged());
    if (refused) throw refused;
  }

  /**
   * A renewal batch's step, after its script answered: one `WAIT` for the whole batch, sent only when some
   * lease was extended. Each lease's outcome is what {@link ReplicaConfirmer.confirm} makes of a renewal of
   * one lock: a lease no longer ours stays `false` (not waited for); an extended one is `true` once enough
   * replicas acknowledged, else its own `LockReplicationError` (naming its lock), or the `LockRedisError` of
   * a failed `WAIT`.
   */
  async confirmRenewals(
    renewals: readonly Renewal[],
    extended: readonly boolean[],
  ): Promise<readonly RenewalOutcome[]> {
    if (!extended.includes(true)) return extended;
    let acknowledged: number;
    try {
      acknowledged = await this.#acknowledged();
    } catch (error) {
      return extended.map((ours) => ours && (error as LockRedisError));
    }
    return extended.map(
      (ours, index) => ours && (this.#refusal(renewals[index]?.target.keys[0] ?? '', acknowledged) ?? true),
    );
  }

  /**
   * How many replicas acknowledged every write of the connection so far (one `WAIT`). A `WAIT` answered on
   * another socket than the one it was sent on confirms nothing: ioredis re-sends an unanswered command after a
   * reconnect (`autoResendUnfulfilledCommands`), and on the new connection (after a failover, on the promoted
   * replica, which never had the script's write) `WAIT` counts the replicas of that connection's writes only.
   */
  async #acknowledged(): Promise<number> {
    const { wait, timeout } = this.#replicas;
    const socket = this.#client.stream;
    let acknowledged: number;
    try {
      acknowledged = Number(
        await withinTimeout(
          this.#client.wait(wait, timeout),
          this.#bound,
          `Redis did not answer WAIT within ${this.#bound} ms`,
        ),
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new LockRedisError(`Redis WAIT failed: ${message}`, { cause: error });
    }
    if (this.#client.stream !== socket)
      throw new LockRedisError('Redis WAIT failed: the connection was re-established before WAIT answered');
    return acknowledged;
  }

  /** The error of a write of `key` that `acknowledged` replicas confirmed; none when enough did. */
  #refusal(key: string, acknowledged: number): LockReplicationError | undefined {
    const { wait } = this.#replicas;
    if (acknowledged >= wait) return undefined;
    return new LockReplicationError(key, wait, Number.isFinite(acknowledged) ? acknowledged : 0);
  }
}
