import type { LockTarget } from '../keys/target.js';
import { PromisedRenewal, type RenewalRequest, tellEach } from './RenewalRequest.js';

export type { RenewalRequest } from './RenewalRequest.js';

/** Most leases one renewal script renews (Redisson's `lockWatchdogBatchSize` default). */
export const RENEWAL_BATCH_SIZE = 100;
/**
 * Most renewal batches of one batcher in flight at once (12 800 leases); the others wait for one to answer, so
 * that a locker holding a million locks does not put 10 000 scripts on its connection at once. Enough that a
 * busy connection (a round trip of 200 ms) still renews 64 000 leases a second.
 */
export const RENEWAL_BATCHES_IN_FLIGHT = 128;

/** One lease to extend: the lock's keys, its owner token and the new ttl in ms. */
export interface Renewal {
  readonly target: LockTarget;
  readonly token: string;
  readonly ttl: number;
  /**
   * Of a record that one lease sends at every renewal: how many ms of ttl, summed over its next renewals, its
   * fence counters are known to outlast, so that those renewals need not look at them (see `EXTEND_MANY`);
   * kept by the backend. Absent: unknown, every renewal checks them.
   */
  fenceMargin?: number | undefined;
}

/**
 * One lease's answer in a batch: `true` extended, `false` no longer ours, or the error that this lease's
 * renewal alone rejects with (e.g. an extension the replicas did not confirm).
 */
export type RenewalOutcome = boolean | Error;

/**
 * Runs one batch of renewals, all of one group and one ttl (one connection, or one Cluster slot), in one round trip;
 * resolves, renewal by renewal, its {@link RenewalOutcome}.
 */
export type RunRenewals = (renewals: readonly Renewal[]) => Promise<readonly RenewalOutcome[]>;

/**
 * Gathers the renewals asked for in one turn of the event loop (the locker's timer queue runs every renewal
 * due at one moment in one turn) and sends them as batches of at most `batchSize`, one batch per call of
 * `run`, grouped by `groupOf` and by ttl (renewals of different groups or ttls never share a call), at most
 * {@link RENEWAL_BATCHES_IN_FLIGHT} calls at a time. Each caller learns its own lease's answer (an `Error`
 * outcome rejects that caller only); a failing call rejects every renewal of its batch, and of the batches still
 * waiting to be sent, with the call's error.
 *
 * @example
 * ```ts
 * const batcher = new RenewalBatcher((batch) => backend.renewBatch(batch), () => 0)
 * const extended = await batcher.renew({ target, token, ttl: 10_000 })
 * ```
 */
export class RenewalBatcher {
  readonly #run: RunRenewals;
  readonly #groupOf: (target: LockTarget) => number;
  readonly #batchSize: number;
  #pending = new Map<number, RenewalRequest[]>();
  /** Batches formed but not sent yet, oldest first, while {@link RENEWAL_BATCHES_IN_FLIGHT} are in flight. */
  readonly #queued: (readonly RenewalRequest[])[] = [];
  #inFlight = 0;
  #flushQueued = false;
  readonly #flush = (): void => this.#sendAll();

  /**
   * @param run - runs one batch in one round trip (the seam where a per-batch step, e.g. a replica
   *   confirmation, belongs).
   * @param groupOf - the group of a lock's keys: renewals of one group may share a call.
   * @param batchSize - most renewals per call. Default {@link RENEWAL_BATCH_SIZE}.
   */
  constructor(run: RunRenewals, groupOf: (target: LockTarget) => number, batchSize = RENEWAL_BATCH_SIZE) {
    this.#run = run;
    this.#groupOf = groupOf;
    this.#batchSize = batchSize;
  }

  /** Extends one lease with the next batch; resolves whether it was still ours. */
  renew(renewal: Renewal): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.enqueue(new PromisedRenewal(renewal, resolve, reject));
    });
  }

  /**
   * {@link RenewalBatcher.renew} without a promise: `request` joins the next batch and is told its answer (an
   * `Error` outcome included) by `answered`, or the batch's failure by `unanswered`. Neither is called before
   * `enqueue` returns.
   */
  enqueue(request: RenewalRequest): void {
    const group = this.#groupOf(request.target);
    const pending = this.#pending.get(group);
    if (pending) pending.push(request);
    else this.#pending.set(group, [request]);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flush);
    }
  }

  #sendAll(): void {
    this.#flushQueued = false;
    const groups = this.#pending;
    this.#pending = new Map();
    for (const group of groups.values()) {
      for (const pending of byTtl(group)) {
        for (let from = 0; from < pending.length; from += this.#batchSize) {
          this.#queued.push(pending.slice(from, from + this.#batchSize));
        }
      }
    }
    this.#sendQueued();
  }

  #sendQueued(): void {
    while (this.#inFlight < RENEWAL_BATCHES_IN_FLIGHT) {
      const batch = this.#queued.shift();
      if (!batch) return;
      this.#inFlight++;
      this.#send(batch);
    }
  }

  #send(batch: readonly RenewalRequest[]): void {
    const settled = (): void => {
      this.#inFlight--;
      this.#sendQueued();
    };
    let sent: Promise<readonly RenewalOutcome[]>;
    try {
      sent = this.#run(batch);
    } catch (error) {
      // A runner that throws instead of rejecting.
      sent = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    sent.then(
      (outcomes) => {
        settled();
        tellEach(batch, (request, index) => {
          request.answered(outcomes[index] ?? false);
        });
      },
      (error: unknown) => {
        // The connection is in trouble: the batches waiting behind this one fail with it, unsent (their
        // locks retry on their own schedules), rather than each waiting for a call that would time out too.
        const failed = [batch, ...this.#queued.splice(0)];
        settled();
        for (const each of failed) {
          tellEach(each, (request) => {
            request.unanswered(error);
          });
        }
      },
    );
  }
}

/** `pending` split by ttl, in order of first appearance (one list, itself, when all share one ttl). */
function byTtl(pending: readonly RenewalRequest[]): (readonly RenewalRequest[])[] {
  const ttl = pending[0]?.ttl;
  if (pending.every((each) => each.ttl === ttl)) return [pending];
  const split = new Map<number, RenewalRequest[]>();
  for (const each of pending) {
    const same = split.get(each.ttl);
    if (same) same.push(each);
    else split.set(each.ttl, [each]);
  }
  return [...split.values()];
}
