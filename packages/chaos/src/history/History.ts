import type {
  FaultEvent,
  HistoryEvent,
  HoldersEvent,
  LeaseEvent,
  LeftEntry,
  LossEvent,
  OpEvent,
  OpKind,
  ProbeEvent,
  WriteEvent,
} from './events.js';

/** What the checker must know about the lock and the run besides the events. */
export interface HistoryParams {
  /** Lease length every acquire asked for, in ms. */
  readonly ttl: number;
  /** The lock's stated clock drift bound (fraction of ttl). */
  readonly driftFactor: number;
  /** Longest a free lock may keep refusing a healthy waiter, in ms (retry, backoff and queue bounds). */
  readonly retryBound: number;
  /**
   * How much longer a free lock may refuse a healthy waiter after a server's clock stepped back, counted from the
   * step, in ms (`LockAdapter.clockStepSlack`). Default `0`.
   */
  readonly clockStepSlack?: number;
  /** How long the lock's keys may outlive their last use, in ms (`LockAdapter.keyLifetime`); default: unknown. */
  readonly keyLifetime?: number;
  /** Whether the lock renews its lease by itself while held. */
  readonly renews: boolean;
  /**
   * The process of each client (by client number), when clients share processes (`clientsPerProcess`): a
   * command is known only by the process that sent it. Default: every client a process of its own.
   */
  readonly processOf?: readonly number[];
  /**
   * How the lease was observed: `exact` (the mock records every change as it happens, expiries at their time) or
   * `sampled` (real Redis is polled: a lease is known to have ended only once a read shows it gone). Default
   * `exact`.
   */
  readonly leases?: 'exact' | 'sampled';
  /** Redis keys the lock means to keep without a TTL (fence counters): S5 and L4 leave them alone. Default none. */
  readonly persistentKeys?: readonly string[];
  /** Masters that vote on every grant (a quorum topology); default none (one node or a Cluster decides). */
  readonly voters?: number;
  /** Permits of the key (`ChaosOptions.limit`): at most this many holders at once. Default `1`. */
  readonly limit?: number;
  /** Whether acquires may ask for read shares (`ChaosOptions.sharedRatio` above 0). Default `false`. */
  readonly shared?: boolean;
  /** Whether the lock trusts a grant only once the replica has it (`LockAdapter.replicaConfirmed`). */
  readonly replicaConfirmed?: boolean;
  /** Whether the lock claims arrival order for waiters (`LockAdapter.fair`): L6 then applies to every run. */
  readonly fair?: boolean;
}

/**
 * Whether a run used the counted modes (a limit above 1, or read shares): its holders are counted, not one owner.
 *
 * @example
 * ```ts
 * if (countedModes(history.params)) checkHolderBound(history)
 * ```
 */
export function countedModes(params: HistoryParams): boolean {
  return (params.limit ?? 1) > 1 || params.shared === true;
}

/**
 * The record of one run: operations (invoke, then ok / fail / unknown), faults, server lease changes, probes and
 * resource writes, all on one reference clock (ms since the run began).
 *
 * @example
 * ```ts
 * const history = new History({ ttl: 1000, driftFactor: 0.01, retryBound: 200, renews: true }, () => 0)
 * const op = history.invoke(0, 'acquire', 'k', { ttl: 1000, wait: 0 })
 * history.complete(op, 'ok', { token: 'a', fence: 1 })
 * ```
 */
export class History {
  readonly events: HistoryEvent[] = [];
  readonly params: HistoryParams;
  readonly #now: () => number;
  #nextId = 1;

  constructor(params: HistoryParams, now: () => number, events: readonly HistoryEvent[] = []) {
    this.params = params;
    this.#now = now;
    this.events.push(...events);
  }

  /** The reference time now. */
  now(): number {
    return this.#now();
  }

  /** Records the invocation of an operation; complete it later with {@link History.complete}. */
  invoke(
    client: number,
    op: OpKind,
    key: string,
    extra: { ttl: number; wait?: number; token?: string; keys?: number; shared?: true },
  ): OpEvent {
    const event: OpEvent = {
      type: 'op',
      id: this.#nextId++,
      client,
      op,
      key,
      tInv: this.#now(),
      result: 'pending',
      ...extra,
    };
    this.events.push(event);
    return event;
  }

  /** Records the answer to an operation. */
  complete(
    op: OpEvent,
    result: 'ok' | 'fail' | 'unknown',
    extra: {
      token?: string;
      fence?: number;
      remaining?: number;
      error?: string;
      left?: readonly LeftEntry[];
    } = {},
  ): void {
    op.tRes = this.#now();
    op.result = result;
    if (extra.token !== undefined) op.token = extra.token;
    if (extra.fence !== undefined) op.fence = extra.fence;
    if (extra.remaining !== undefined) op.remaining = extra.remaining;
    if (extra.error !== undefined) op.error = extra.error;
    if (extra.left !== undefined && extra.left.length > 0) op.left = extra.left;
  }

  /** Records a fault. */
  fault(fault: Omit<FaultEvent, 'type' | 't'>): void {
    this.events.push({ type: 'fault', t: this.#now(), ...fault });
  }

  /** Records any other event stamped now. */
  record(
    event:
      | Omit<LeaseEvent, 't'>
      | Omit<ProbeEvent, 't'>
      | Omit<WriteEvent, 't'>
      | Omit<LossEvent, 't'>
      | Omit<HoldersEvent, 't'>,
  ): void {
    this.events.push({ ...event, t: this.#now() });
  }

  /** Appends a complete event. */
  push(event: HistoryEvent): void {
    this.events.push(event);
  }

  /** Operations still pending become `unknown` (their client crashed or the run ended first). */
  closePending(): void {
    for (const event of this.events) {
      if (event.type === 'op' && event.result === 'pending') event.result = 'unknown';
    }
  }
}
