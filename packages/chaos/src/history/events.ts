/** Outcome of one client operation, Jepsen style: `unknown` = indeterminate (may or may not have applied). */
export type OpResult = 'pending' | 'ok' | 'fail' | 'unknown';

/** The lock operations a client invokes. */
export type OpKind = 'acquire' | 'release' | 'extend';

/** The faults a schedule can inject. */
export type FaultKind =
  | 'pause'
  | 'stall'
  /** A waiting client's whole process froze (timers and socket reads). */
  | 'waiterStall'
  | 'crash'
  | 'renewalFailure'
  | 'lostReply'
  | 'latency'
  | 'lostWakeup'
  | 'clockJump'
  | 'clockDrift'
  | 'reset'
  /** An acquire's connection was cut after its request went out, and the reconnection held for `duration`. */
  | 'dropInFlight'
  | 'redisStall'
  | 'redisRestart'
  /** The master's replica was promoted (after replication was held back for `duration`); clients follow it. */
  | 'failover'
  /** A node's wall clock stepped by `amount` ms (negative: back), as an NTP step; the monotonic clock did not. */
  | 'clockStep'
  /** Not injected: the harness's own process woke up late (a loaded machine), pausing its inline clients. */
  | 'hostStall';

/**
 * One lock operation: invoked at `tInv`, answered at `tRes` (reference clock, ms since the run began).
 *
 * @example
 * ```ts
 * const op: OpEvent = { type: 'op', id: 1, client: 0, op: 'acquire', key: 'k', tInv: 0, tRes: 2, result: 'ok', ttl: 1000, token: 'a', fence: 7 }
 * ```
 */
export interface OpEvent {
  readonly type: 'op';
  readonly id: number;
  readonly client: number;
  readonly op: OpKind;
  readonly key: string;
  readonly tInv: number;
  tRes?: number;
  result: OpResult;
  /** Lease length asked for (acquire, extend). */
  readonly ttl: number;
  /** How long an acquire may wait, in ms. */
  readonly wait?: number;
  /** How many keys an acquire locked together (`acquireAll`), when more than one. */
  readonly keys?: number;
  /** An acquire that asked for a read share (present only when it did). */
  readonly shared?: true;
  /** The owner token of the grant (acquire ok; release and extend carry the token they act for). */
  token?: string;
  fence?: number;
  /** Validity the lock claimed right after the grant, in the client's ms (when the lock reports it). */
  remaining?: number;
  error?: string;
  /**
   * Mock backend: what of this acquire's tokens every master still held at the instant it returned no lock (see
   * `TokenEntries`); absent when nothing was, or on real Redis (not observed).
   */
  left?: readonly LeftEntry[];
}

/** One entry of a lock's token in one master's store (the lease's value, or a member of a queue or holders set). */
export interface LeftEntry {
  /** The master (index in the topology). */
  readonly node: number;
  readonly key: string;
  readonly token: string;
}

/** A fault injected by the nemesis. `beyond` = outside the lock's stated bounds. */
export interface FaultEvent {
  readonly type: 'fault';
  readonly kind: FaultKind;
  readonly t: number;
  readonly client?: number;
  /** The Redis node a server fault hit (index in the topology). */
  readonly node?: number;
  /** How long the fault lasts, in ms (pause, failure window, latency window). */
  readonly duration?: number;
  /** Its size: a delay or jump in ms, or a clock rate. */
  readonly amount?: number;
  readonly beyond: boolean;
}

/** The server's lease on a key changed (set, replaced, extended, deleted) - observed on the store. */
export interface LeaseEvent {
  readonly type: 'lease';
  readonly t: number;
  readonly key: string;
  /** Owner token now on the lease key, `null` when none. */
  readonly owner: string | null;
  /** When the lease expires (reference ms), `null` without a TTL. */
  readonly expireAt: number | null;
  /** The client whose command made the change; undefined for an expiry. */
  readonly by?: number;
}

/** A snapshot taken after each step: who believes it holds `key`, and the server's owner at that instant. */
export interface ProbeEvent {
  readonly type: 'probe';
  readonly t: number;
  readonly key: string;
  readonly owner: string | null;
  readonly believers: readonly { readonly client: number; readonly token: string; readonly shared?: true }[];
  /** Counted modes: the holder tokens the server counts at that instant (see `LockAdapter.holdersKey`). */
  readonly holders?: readonly string[];
  /**
   * Holders whose lock claims no validity left (`remaining()` is 0) while its loss signal has not fired (mock
   * backend; locks with both a signal and `remaining`). Default: none.
   */
  readonly unsignalled?: readonly { readonly client: number; readonly token: string }[];
}

/**
 * Counted modes: the server's set of holders of a key changed (observed on the store, mock backend): each live
 * holder's token and when its lease ends (reference ms).
 */
export interface HoldersEvent {
  readonly type: 'holders';
  readonly t: number;
  readonly key: string;
  readonly holders: readonly { readonly token: string; readonly expireAt: number }[];
  /** The client whose command made the change; undefined for an expiry. */
  readonly by?: number;
}

/** A write to a protected resource, made after a non-atomic read. */
export interface WriteEvent {
  readonly type: 'write';
  readonly t: number;
  readonly tRead: number;
  readonly client: number;
  readonly token: string;
  readonly fence?: number;
  readonly resource: 'plain' | 'fenced';
  /** The value the client read, and the value in the resource just before its write. */
  readonly read: number;
  readonly before: number;
  readonly accepted: boolean;
  /** The client whose write was overwritten when `before !== read`. */
  readonly lastWriter?: number;
  /**
   * The server's lease owner at the moment of the write; absent when the harness could not tell (on real Redis, an
   * owner read that answered too late to speak for that moment). Filled in once the read answers.
   */
  owner?: string | null;
}

/** The holder was told it lost the lock (its signal aborted). */
export interface LossEvent {
  readonly type: 'loss';
  readonly t: number;
  readonly client: number;
  readonly token: string;
  readonly reason: string;
}

/** A key was seen without a TTL. */
export interface NoTtlEvent {
  readonly type: 'noTtl';
  readonly t: number;
  readonly key: string;
  readonly by?: number;
}

/** The run's end, after every holder released, every client closed and every lifetime passed. */
export interface EndEvent {
  readonly type: 'end';
  readonly t: number;
  readonly leakedKeys: readonly string[];
  readonly leakedTimers: number;
}

/** Anything the history holds. */
export type HistoryEvent =
  | OpEvent
  | FaultEvent
  | LeaseEvent
  | ProbeEvent
  | WriteEvent
  | LossEvent
  | NoTtlEvent
  | EndEvent
  | HoldersEvent;
