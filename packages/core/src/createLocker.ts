import { ClusterBackend } from './backend/ClusterBackend.js';
import { QuorumBackend } from './backend/QuorumBackend.js';
import { ReplicatedBackend } from './backend/ReplicatedBackend.js';
import { ReplicatedClusterBackend } from './backend/ReplicatedClusterBackend.js';
import { isNodeRoutedCluster } from './cluster/SlotMasters.js';
import { type LocalWakeup, SingleNodeBackend } from './backend/SingleNodeBackend.js';
import { resolveLockerConfig } from './config/config.js';
import { detectDriver } from './driver/detectDriver.js';
import type { RedisDriver } from './driver/RedisDriver.js';
import { LockConfigError } from './errors/LockConfigError.js';
import { warnIfEvicting } from './redis/evictionPolicy.js';
import { Locker } from './Locker.js';
import type { LockerOptions } from './config/options.js';
import type { RedisConnection } from './redis/RedisClient.js';
import { ReplicaConfirmer, type WaitingClient } from './replicas/ReplicaConfirmer.js';
import type { ReplicaConfig } from './replicas/replicasOption.js';
import { newLockerTag } from './keys/token.js';
import { BackoffWait } from './wait/BackoffWait.js';
import { PubSubWait } from './wait/PubSubWait.js';
import { WakeupHub } from './wait/WakeupHub.js';

/**
 * Creates a locker on one client or one Cluster of ioredis, iovalkey or node-redis (`redis`, `@redis/client`),
 * or on an array of clients to independent masters (Redlock quorum). The client library is recognised by its
 * shape (see `detectDriver`). Validates `options` once; throws `LockConfigError` for a bad option or client.
 * With a `logger`, reads each server's `maxmemory-policy` once (where `CONFIG` is allowed) and warns when it
 * can evict lock keys (see `docs/operations.md`).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * import { createLocker } from '@deadbolt/core'
 *
 * const locker = createLocker(new Redis(process.env.REDIS_URL), { ttl: 10_000 })
 * await locker.using('order:42', async (lock) => { ... })
 *
 * // node-redis: the same, on a connected client
 * import { createClient } from 'redis'
 * const onNodeRedis = createLocker(await createClient({ url: process.env.REDIS_URL }).connect())
 * ```
 */
export function createLocker(redis: RedisConnection, options?: LockerOptions): Locker {
  const config = resolveLockerConfig(options);
  if (Array.isArray(redis)) {
    const clients = redis as readonly unknown[];
    if (clients.length === 1) return createLocker(clients[0] as RedisConnection, options);
    const drivers = clients.map(detectDriver);
    if (clients.length === 0 || drivers.some((driver) => driver.isCluster)) {
      throw new LockConfigError(
        'Quorum mode needs an array of clients, one per independent master (not a Cluster).',
      );
    }
    if (new Set(clients).size !== clients.length) {
      throw new LockConfigError('Quorum mode needs a distinct client per master; the array repeats one.');
    }
    refuseReplicas(
      config.replicas,
      'quorum mode (independent masters: a grant counts once a majority has it)',
    );
    const nodes = drivers.map((driver) => driver.scripts);
    const backend = new QuorumBackend(nodes, config.commandTimeout, config.ttl);
    void warnIfEvicting(drivers, config.logger);
    return new Locker(config, backend, new BackoffWait(), newLockerTag());
  }
  const driver = detectDriver(redis);
  void warnIfEvicting([driver], config.logger);
  const tag = newLockerTag();
  if (driver.isCluster) {
    const backend = config.replicas
      ? replicatedCluster(driver, config.replicas, config.commandTimeout, config.ttl)
      : new ClusterBackend(driver.scripts, config.commandTimeout, config.ttl);
    return new Locker(config, backend, new BackoffWait(), tag);
  }
  const hub = wakeupHub(driver, config.commandTimeout, tag);
  const wakeLocally = hub && ((channel: string, message: string) => hub.dispatch(channel, message));
  const backend = config.replicas
    ? replicated(driver, config.replicas, config.commandTimeout, wakeLocally)
    : new SingleNodeBackend(driver.scripts, config.commandTimeout, wakeLocally);
  return new Locker(config, backend, hub ? new PubSubWait(hub) : new BackoffWait(), tag);
}

/** The `replicas` option applies to one Redis (with its replicas) or one Cluster, not to a quorum. */
function refuseReplicas(replicas: ReplicaConfig | undefined, topology: string): void {
  if (replicas) throw new LockConfigError(`The "replicas" option is not supported on ${topology}.`);
}

/** A single-node backend whose grants and renewal batches are confirmed with `WAIT` on the driver's connection. */
function replicated(
  driver: RedisDriver,
  replicas: ReplicaConfig,
  commandTimeout: number,
  wakeLocally: LocalWakeup | undefined,
): ReplicatedBackend {
  const { scripts } = driver;
  if (typeof scripts.wait !== 'function') {
    throw new LockConfigError(
      `The "replicas" option needs a client that can send WAIT; ${driver.kind} cannot.`,
    );
  }
  return new ReplicatedBackend(
    scripts,
    commandTimeout,
    new ReplicaConfirmer(scripts as WaitingClient, replicas, commandTimeout),
    wakeLocally,
  );
}

/**
 * A Cluster backend whose writes are confirmed with `WAIT` on the connection to their slot's master: the
 * client's node connections must be reachable (ioredis, iovalkey); node-redis and GLIDE Clusters are refused.
 */
function replicatedCluster(
  driver: RedisDriver,
  replicas: ReplicaConfig,
  commandTimeout: number,
  ttl: number,
): ReplicatedClusterBackend {
  const { scripts } = driver;
  if (!isNodeRoutedCluster(scripts)) {
    throw new LockConfigError(
      `The "replicas" option on a Cluster needs an ioredis or iovalkey Cluster (WAIT must follow each script ` +
        `on the connection to its slot's master); a ${driver.kind} Cluster does not give deadbolt those connections.`,
    );
  }
  return new ReplicatedClusterBackend(scripts, commandTimeout, ttl, replicas);
}

/**
 * The pub/sub wake-up hub, on a dedicated subscriber connection, where the driver can open one (else waiters
 * poll). `tag` is the locker's: wake-ups for its tokens are kept for waiters not listening yet.
 */
function wakeupHub(driver: RedisDriver, timeout: number, tag: string): WakeupHub | undefined {
  const { subscriber } = driver;
  if (!subscriber) return undefined;
  return new WakeupHub(() => subscriber(timeout), tag);
}
