/** Every fault a schedule can draw on the virtual-time backend (`mock`), its default fault set. */
export const ALL_FAULTS = [
  'pause',
  'crash',
  'renewalFailure',
  'lostReply',
  'latency',
  'lostWakeup',
  'clockJump',
  'clockDrift',
  'stall',
] as const;

/** Faults that need real processes and sockets: the `redis` backend only. */
export const REAL_ONLY_FAULTS = ['reset', 'redisStall', 'redisRestart'] as const;

/** The default fault set of the `redis` backend: everything, except a restart (beyond every lock's bounds). */
export const REAL_FAULTS = [...ALL_FAULTS, 'reset', 'redisStall'] as const;

/**
 * A fault the schedule can draw: `pause` (the client's connection freezes; on real Redis its proxy holds every
 * byte both ways, a partition), `stall` (a pause between the holder's check and its write), `crash`,
 * `renewalFailure` (commands fail unapplied), `lostReply` (applied, reply lost), `latency` (replies delayed, with
 * jitter on real Redis), `lostWakeup` (pub/sub messages dropped), `clockJump`, `clockDrift`; real Redis only:
 * `reset` (the client's connections are reset), `redisStall` (a node is SIGSTOPped, then SIGCONTed) and
 * `redisRestart` (a node restarts with an empty dataset).
 */
export type ChaosFault = (typeof ALL_FAULTS)[number] | (typeof REAL_ONLY_FAULTS)[number];

/** Every fault name, for validating user input. */
export const FAULT_NAMES: readonly ChaosFault[] = [...ALL_FAULTS, ...REAL_ONLY_FAULTS];
