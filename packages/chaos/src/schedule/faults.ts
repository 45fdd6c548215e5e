/**
 * The base faults of the virtual-time backend (`mock`): the whole default set until the {@link REACH_FAULTS} joined
 * it. A test that pins a seed recorded before then lists them (`faults: ALL_FAULTS`) so that the seed keeps its
 * meaning; the default fault set is now `defaultFaults`.
 *
 * @example
 * ```ts
 * await runChaos({ runs: 300, seed: 42, faults: ALL_FAULTS }) // the schedules of a seed recorded before issue 24
 * ```
 */
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

/**
 * Steps of both backends that reach the lock's deeper paths, in the mock backend's defaults (see
 * `defaultFaults`): `waiterStall` (a client's whole process freezes while it waits for the lock; with
 * contention also right before a holder releases to it), `multiSlot` (acquires that lock the key together with a key
 * of another Cluster slot, for a lock with `multiKey`: the multi-key grants), `idleGap` (every holder lets go and the
 * key stays untouched past the lock's key lifetime, so that its fence counter expires and restarts: cheap in virtual
 * time, a minute of real time on real Redis), `sideLock` (a client's lock client also locks a second key at the
 * moment it acquires the run's key, so that it holds two locks whose renewals fall due together and go in one batch)
 * and `lateExtend` (a holder's commands fail for up to 2 ttls and it extends the moment they work again: an extend
 * done, or refused when the lease lapsed meanwhile).
 *
 * @example
 * ```ts
 * await runChaos({ backend: 'redis', runs: 3, faults: [...REAL_FAULTS, 'sideLock', 'lateExtend'] })
 * ```
 */
export const REACH_FAULTS = ['waiterStall', 'multiSlot', 'idleGap', 'sideLock', 'lateExtend'] as const;

/**
 * Faults that need real processes and sockets: the `redis` backend only, except `redisStall`, which the mock
 * backend (see {@link MOCK_SERVER_FAULTS}) runs too.
 */
export const REAL_ONLY_FAULTS = [
  'reset',
  'redisStall',
  'redisRestart',
  'redisStallOnWait',
  'dropInFlight',
  'failover',
  'clockStep',
] as const;

/**
 * Server faults the `mock` backend runs as well, on virtual time: `redisStall` (a master holds every command that
 * reaches it until the stall ends; on a quorum topology, one master of several).
 */
export const MOCK_SERVER_FAULTS = ['redisStall'] as const;

/** The default fault set of the `redis` backend: everything, except a restart (beyond every lock's bounds). */
export const REAL_FAULTS = [...ALL_FAULTS, 'reset', 'redisStall'] as const;

/**
 * A fault the schedule can draw: `pause` (the client's connection freezes; on real Redis its proxy holds every
 * byte both ways, a partition), `stall` (a pause between the holder's check and its write), `crash`,
 * `renewalFailure` (commands fail unapplied), `lostReply` (applied, reply lost), `latency` (replies delayed, with
 * jitter on real Redis), `lostWakeup` (pub/sub messages dropped), `clockJump`, `clockDrift`,
 * `waiterStall` (a waiting client's process freezes: its timers and socket reads wait), `multiSlot` (multi-key
 * acquires across Cluster slots), `idleGap` (a quiet spell past the lock's key lifetime), `sideLock` (a second
 * lock held beside the run's key by the same lock client), `lateExtend` (a holder extends right after its commands
 * failed for a while); real Redis only:
 * `reset` (the client's connections are reset), `redisStall` (a node is SIGSTOPped, then SIGCONTed) and
 * `redisRestart` (a node restarts with an empty dataset), and, drawn only when asked for, `redisStallOnWait` (a
 * client starts waiting while another holds the lock, and a node is SIGSTOPped for 1 to 4 ttls the moment its
 * attempt's reply leaves Redis: the waiter's next steps, such as a new SUBSCRIBE, meet a stopped Redis) and `dropInFlight` (a
 * client's acquire reaches Redis, its connection is cut before the reply, and the reconnection is held a while,
 * so that the lock gives the attempt up while the client library will send it again), and `failover` (topology
 * `replicated`: replication to the replica is held back for up to a ttl, then the replica is promoted with
 * `REPLICAOF NO ONE`, the old master follows it, and every client's connections are cut and go to the new master;
 * beyond the bounds of a lock that does not confirm grants on the replica, see `LockAdapter.replicaConfirmed`), and
 * `clockStep` (a node's wall clock steps, as under an NTP step: forward by 1 to 4 ttls, beyond the bounds of a
 * lease on that node, or back by 10 s to 10 minutes, within them; the servers of a run that draws it start with a
 * clock the harness steps, see `RedisServer.start({ clock: true })` of `@deadbolt/testing`).
 */
export type ChaosFault =
  (typeof ALL_FAULTS)[number] | (typeof REACH_FAULTS)[number] | (typeof REAL_ONLY_FAULTS)[number];

/** Every fault name, for validating user input. */
export const FAULT_NAMES: readonly ChaosFault[] = [...ALL_FAULTS, ...REACH_FAULTS, ...REAL_ONLY_FAULTS];
