/**
 * The invariants the checker knows (see the README):
 * S1 belief within lease, S2 mutual exclusion, S3 no lost update, S4 fence order and fenced safety,
 * S5 owner-only release/extend and a TTL on every key, S6 honest validity, S7 lease continuity, S8 live grant,
 * S9 extend outcome, S10 lease length, S11 loss signalled, S12 clean give-up (nothing of an acquire that returned no
 * lock left on a reachable master),
 * L1 liveness of a free lock (after a crash or a release), L2 bounded acquire, L3 renewal keeps a healthy lease, L4 no leaked keys or
 * timers, L5 no orphan lease after a dropped acquire, L6 arrival order (counted runs, and exclusive runs of a fair lock).
 */
export type Invariant =
  | 'S1'
  | 'S2'
  | 'S3'
  | 'S4'
  | 'S5'
  | 'S6'
  | 'S7'
  | 'S8'
  | 'S9'
  | 'S10'
  | 'S11'
  | 'S12'
  | 'L1'
  | 'L2'
  | 'L3'
  | 'L4'
  | 'L5'
  | 'L6';

/** Human names of the {@link Invariant}s. */
export const INVARIANT_NAMES: Readonly<Record<Invariant, string>> = {
  S1: 'belief within lease',
  S2: 'mutual exclusion',
  S3: 'no lost update',
  S4: 'fence order',
  S5: 'owner-only and TTL on every key',
  S6: 'honest validity',
  S7: 'lease continuity',
  S8: 'live grant',
  S9: 'extend outcome',
  S10: 'lease length',
  S11: 'loss signalled',
  S12: 'clean give-up',
  L1: 'liveness of a free lock',
  L2: 'bounded acquire',
  L3: 'renewal of a healthy lease',
  L4: 'no leaks',
  L5: 'no orphan lease',
  L6: 'arrival order across modes',
};

/**
 * One broken promise: which invariant, which clients, when, and whether the faults stayed within the lock's
 * stated bounds (`bug`) or not (`beyond-bounds`, expected for an unfenced resource).
 *
 * @example
 * ```ts
 * const v: Violation = { invariant: 'S2', clients: [0, 1], at: 1200, message: 'c0 and c1 both believe they hold "k"', label: 'bug' }
 * ```
 */
export interface Violation {
  readonly invariant: Invariant;
  readonly clients: readonly number[];
  /** Reference time, ms since the run began. */
  readonly at: number;
  readonly message: string;
  readonly label: 'bug' | 'beyond-bounds';
}

/** A violation before labelling. */
export type Finding = Omit<Violation, 'label'> & {
  /** Findings that faults beyond the bounds can never excuse (fenced-resource safety, leaks). */
  readonly alwaysBug?: boolean;
  /** The fence a fence finding is about (the later grant's, the fenced write's): see `failoverLimit.ts`. */
  readonly fence?: number;
};
