import { ACQUIRE, attemptFlags, parseAttempt } from '../scripts/acquire.js';
import { EXTEND } from '../scripts/extend.js';
import { EXTEND_MANY, extendManyCall, extendManyReply } from '../scripts/extendMany.js';
import { clusterSlot } from '../cluster/clusterSlot.js';
import {
  RenewalBatcher,
  type Renewal,
  type RenewalOutcome,
  type RenewalRequest,
} from '../lease/RenewalBatcher.js';
import { waiterChannel } from '../keys/lockKeys.js';
import { isModeToken } from '../config/mode.js';
import { ModeOperations } from './ModeOperations.js';
import { parseRelease, RELEASE, releaseFlags, type ReleaseReply } from '../scripts/release.js';
import type { ScriptClient } from '../redis/RedisClient.js';
import type { Script } from '../redis/Script.js';
import { ScriptRunner } from '../redis/ScriptRunner.js';
import { parseWakeup } from '../wait/wakeupMessage.js';
import type { AttemptRequest, AttemptResult, LockBackend } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import { fenceTtl } from '../lease/fenceCounter.js';

/**
 * `ACQUIRE`'s variant for each attempt on one node (no clock floor), indexed by {@link attemptIndex}: an attempt
 * looks its script up without building a flags object and string.
 */
const ATTEMPT_SCRIPTS = Array.from({ length: 16 }, (_, index) =>
  ACQUIRE.get(
    attemptFlags({
      fair: (index & 1) !== 0,
      wait: (index & 2) !== 0,
      handOver: (index & 4) !== 0,
      queued: (index & 8) !== 0,
      clockFloor: false,
    }),
  ),
);

/** The index of an attempt's flags in {@link ATTEMPT_SCRIPTS}. */
function attemptIndex(fair: boolean, wait: boolean, handOver: boolean, queued: boolean): number {
  return (fair ? 1 : 0) | (wait ? 2 : 0) | (handOver ? 4 : 0) | (queued ? 8 : 0);
}

/** Delivers a wake-up that a release answered instead of publishing it, as if it had come on `channel`. */
export type LocalWakeup = (channel: string, message: string) => void;

/**
 * A step after each renewal round trip (a batch's script, or one permit's or read share's extend): maps the
 * leases' answers (`true` extended, `false` no longer ours) to their outcomes, e.g. after a replica `WAIT`.
 */
export type ConfirmRenewals = (
  renewals: readonly Renewal[],
  extended: readonly boolean[],
) => Promise<readonly RenewalOutcome[]>;

/**
 * A lock on one Redis server (or one Cluster, where every lock's keys share a slot).
 *
 * @example
 * ```ts
 * const backend = new SingleNodeBackend(redis, 1_000)
 * const extended = await backend.extend(target, token, 10_000) // shares a script with the extends of this turn
 * ```
 */
export class SingleNodeBackend implements LockBackend {
  readonly sharded: boolean;
  readonly batchesRenewals = true;
  readonly #runner: ScriptRunner;
  readonly #wakeLocally: LocalWakeup | undefined;
  /** Extends go out in batches: one script per connection (per slot on a Cluster) renews many leases. */
  readonly #renewals: RenewalBatcher;
  /** Permits and read shares: tokens with a mode go to their own scripts. */
  readonly #modes: ModeOperations;
  readonly #confirmRenewals: ConfirmRenewals | undefined;

  /**
   * @param wakeLocally - receives the hand-overs to this locker's own waiters (the release script does not
   *   publish those); without it such a waiter wakes at its fallback timer.
   * @param confirmRenewals - runs after every renewal round trip, once per batch; none by default (the
   *   script's answers are the outcomes).
   */
  constructor(
    client: ScriptClient,
    commandTimeout: number,
    wakeLocally?: LocalWakeup,
    confirmRenewals?: ConfirmRenewals,
  ) {
    this.sharded = client.isCluster === true;
    this.#runner = new ScriptRunner(client, commandTimeout);
    this.#wakeLocally = wakeLocally;
    this.#confirmRenewals = confirmRenewals;
    this.#renewals = new RenewalBatcher(
      (batch) => this.#confirmed(batch, this.renewBatch(batch)),
      this.sharded ? (target) => clusterSlot(target.leases[0] ?? '') : () => 0,
    );
    this.#modes = new ModeOperations(this.#runner, this.sharded);
  }

  /** Every lock on one node can take the counted modes. */
  supportsModes(): boolean {
    return true;
  }

  attempt(request: AttemptRequest): Promise<AttemptResult> {
    const { target, token, ttl, fair, wait, queued = true, handOver = false } = request;
    if (isModeToken(token)) return this.#modes.attempt(request);
    const script = ATTEMPT_SCRIPTS[attemptIndex(fair, wait, handOver, queued)] as Script;
    return this.#runner.runParsed(script, target.leases, [token, ttl], parseAttempt);
  }

  /** Joins the next renewal batch of this connection (of the lock's slot on a Cluster): see `renewBatch`. */
  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    // Permits and read shares renew with their own script, one per lock (not batched).
    if (isModeToken(token)) return this.#extendMode({ target, token, ttl });
    return this.#renewals.renew({ target, token, ttl });
  }

  /** `extend` without a promise: joins the next renewal batch (not for permits and read shares). */
  renewLater(request: RenewalRequest): boolean {
    if (isModeToken(request.token)) return false;
    this.#renewals.enqueue(request);
    return true;
  }

  /**
   * Runs one renewal batch (leases of one slot and one ttl) in one round trip: `EXTEND` for a single lease, else
   * `EXTEND_MANY`. Resolves, lease by lease, whether it was still ours. The one place a batch is sent; the
   * batcher passes its answer through `confirmRenewals`.
   */
  renewBatch(batch: readonly Renewal[]): Promise<readonly boolean[]> {
    const [only] = batch;
    if (!only) return Promise.resolve([]);
    const { ttl } = only;
    if (batch.length === 1) {
      return this.#runner
        .run(EXTEND, only.target.leases, [only.token, ttl, fenceTtl(ttl)])
        .then((reply) => [isOne(reply)]);
    }
    if (batch.some((renewal) => renewal.ttl !== ttl))
      throw new Error('A renewal batch holds leases of one ttl');
    const call = extendManyCall(batch, ttl);
    return this.#runner
      .run(EXTEND_MANY, call.keys, call.args)
      .then((reply) => extendManyReply(reply, batch, call));
  }

  release(target: LockTarget, token: string, queued = true, contended = false): Promise<boolean> {
    if (isModeToken(token))
      return this.#released(target, this.#modes.release(target, token, queued, false, contended));
    const script = RELEASE.get(releaseFlags(this.sharded, queued));
    if (contended) return this.#released(target, this.#runner.runAfterPing(script, target.leases, [token]));
    return this.#runner.runParsed(script, target.leases, [token], (reply) =>
      this.#releaseAnswer(target, reply),
    );
  }

  abandon(target: LockTarget, token: string): Promise<boolean> {
    if (isModeToken(token)) return this.#released(target, this.#modes.release(target, token, true, true));
    const script = RELEASE.get(releaseFlags(this.sharded, true));
    return this.#released(
      target,
      this.#runner.run(script, target.leases, [token], undefined, undefined, true),
    );
  }

  /** A permit's or read share's extend, through `confirmRenewals` as a batch of one. */
  async #extendMode(renewal: Renewal): Promise<boolean> {
    const { target, token, ttl } = renewal;
    const extended = this.#modes.extend(target, token, ttl).then((ours) => [ours]);
    const [outcome] = await this.#confirmed([renewal], extended);
    if (outcome instanceof Error) throw outcome;
    return outcome === true;
  }

  /** The outcomes of a renewal round trip's answers, after `confirmRenewals` when there is one. */
  #confirmed(
    renewals: readonly Renewal[],
    sent: Promise<readonly boolean[]>,
  ): Promise<readonly RenewalOutcome[]> {
    const confirm = this.#confirmRenewals;
    return confirm ? sent.then((extended) => confirm(renewals, extended)) : sent;
  }

  /** @internal Settles once the clean-ups kept for a reconnect were sent again and answered; for tests. */
  cleanupsResent(): Promise<void> {
    return this.#runner.whenResent();
  }

  /** Reads a release script's reply: whether every key was still held. */
  #released(target: LockTarget, sent: Promise<unknown>): Promise<boolean> {
    return sent.then((reply) => this.#releaseAnswer(target, reply));
  }

  /** Whether a release's `reply` says the lease was still ours (after waking a waiter of this locker it handed to). */
  #releaseAnswer(target: LockTarget, reply: unknown): boolean | Promise<boolean> {
    // Only a hand-over to this locker's own waiter answers with an array; the common answer is the count.
    return Array.isArray(reply) ? this.#settle(target, parseRelease(reply)) : reply === target.keys.length;
  }

  /**
   * Wakes this locker's waiter that the release handed a key to (a one-key waiter: on that key's channel of this
   * locker), then resolves one turn of the event loop later, so that waiter runs before the releaser's next step
   * (which is often its next acquire).
   */
  #settle(
    target: LockTarget,
    { released, handedHere, handedKey = 0 }: ReleaseReply,
  ): boolean | Promise<boolean> {
    const held = released === target.keys.length;
    const channel = target.channels[handedKey];
    if (handedHere === undefined || channel === undefined || !this.#wakeLocally) return held;
    this.#wakeLocally(waiterChannel(channel, parseWakeup(handedHere).token, true), handedHere);
    return new Promise((resolve) => setImmediate(resolve, held));
  }
}

function isOne(reply: unknown): boolean {
  return reply === 1;
}
