import type { ScriptClient } from '../redis/RedisClient.js';
import type { SubscriberConnection } from '../wait/WakeupHub.js';

/** The Redis client libraries deadbolt recognises (iovalkey, an ioredis fork, goes through the ioredis driver). */
export type DriverKind = 'ioredis' | 'node-redis' | 'glide' | 'custom';

/**
 * What deadbolt needs from one Redis connection, a Cluster, or one master of a quorum: the whole contract
 * between the lock and a client library. `createLocker` builds one per client with {@link detectDriver}; a
 * client it does not recognise can be given as a driver object of this shape instead.
 *
 * - **Scripts** (`scripts.evalsha` / `scripts.eval`, the arguments as Redis takes them: numkeys, keys, then
 *   arguments): deadbolt sends EVALSHA, and EVAL the first time and after a `NOSCRIPT` error, per connection.
 *   A reply is what the script returned: integers as numbers, arrays as arrays (RESP2 and RESP3 alike).
 * - **A bounded command**: every call either settles or is abandoned by deadbolt at `commandTimeout`; a late
 *   reply is absorbed. A driver need not bound calls itself, but must reject, not queue, while it knows the
 *   connection is down, or report it in `scripts.status` so deadbolt refuses the call unsent.
 * - **Connection state** (`scripts.status`, in ioredis' words): `ready`; `wait`, `connecting` or `connect`
 *   before the connection is up (calls wait for the first connection, bounded; a later `connecting` means it
 *   was lost); `reconnecting`, `close` or `end` when it is down. `undefined`: unknown (deadbolt just sends).
 * - **A write batch** (`scripts.stream` with `cork()`/`uncork()`, and `scripts.ping`): what is sent between
 *   the two leaves in one write, so a release's PING goes ahead of its script (waiters hear of the release
 *   first). Optional.
 * - **Slot routing** (`isCluster`): a Cluster driver sends each script to the master of its first key's slot
 *   and follows MOVED and ASK; deadbolt gives every script keys of one slot only.
 * - **A subscriber for wake-ups** (`subscriber`): a new connection that deadbolt owns (it disconnects it on
 *   `locker.close()`), subscribing to unprefixed channel names, with every message reported under the name it
 *   was subscribed by (a driver whose client prefixes keys translates). Optional: without it waiters poll.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * import { createLocker, detectDriver } from '@deadbolt/core'
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect()
 * detectDriver(client).kind // 'node-redis'
 * const locker = createLocker(client)
 * ```
 */
export interface RedisDriver {
  /** Which client library the driver speaks to. */
  readonly kind: DriverKind;
  /** The connection is a Cluster: scripts are routed by slot and publish with SPUBLISH. */
  readonly isCluster: boolean;
  /** Runs scripts and tells the connection's state; see the interface's description. */
  readonly scripts: ScriptClient;
  /**
   * Opens a new subscriber connection for wake-ups, owned by the caller. `timeout` (ms) bounds how long a
   * subscription may wait for that connection to come up; past it, or while it is down, subscribing rejects.
   */
  readonly subscriber?: (timeout: number) => SubscriberConnection;
  /**
   * Sends one plain command (its words, e.g. `['CONFIG', 'GET', 'maxmemory*']`) and resolves its reply.
   * Optional: deadbolt uses it only for checks it can skip (the eviction policy at creation).
   */
  readonly command?: (words: readonly string[]) => Promise<unknown>;
}
