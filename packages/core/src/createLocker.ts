import type { Redis } from 'ioredis';
import { ClusterBackend } from './backend/ClusterBackend.js';
import { QuorumBackend } from './backend/QuorumBackend.js';
import { SingleNodeBackend } from './backend/SingleNodeBackend.js';
import { resolveLockerConfig } from './config.js';
import { LockConfigError } from './errors/LockConfigError.js';
import { Locker } from './Locker.js';
import type { LockerOptions } from './options.js';
import { asScriptClient, type RedisConnection } from './redis/RedisClient.js';
import { newLockerTag } from './token.js';
import { BackoffWait } from './wait/BackoffWait.js';
import { PubSubWait } from './wait/PubSubWait.js';
import { WakeupHub, type SubscriberConnection } from './wait/WakeupHub.js';

/**
 * Creates a locker on one ioredis client, one ioredis Cluster, or an array of clients to independent masters
 * (Redlock quorum). Validates `options` once; throws `LockConfigError` for a bad option.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * import { createLocker } from '@deadbolt/core'
 *
 * const locker = createLocker(new Redis(process.env.REDIS_URL), { ttl: 10_000 })
 * await locker.using('order:42', async (lock) => { ... })
 * ```
 */
export function createLocker(redis: RedisConnection, options?: LockerOptions): Locker {
  const config = resolveLockerConfig(options);
  if (Array.isArray(redis)) {
    const clients = redis as readonly unknown[];
    if (clients.length === 1) return createLocker(clients[0] as RedisConnection, options);
    if (clients.length === 0 || !clients.every(isClient) || clients.some(isCluster)) {
      throw new LockConfigError(
        'Quorum mode needs an array of ioredis clients, one per independent master (not a Cluster).',
      );
    }
    if (new Set(clients).size !== clients.length) {
      throw new LockConfigError('Quorum mode needs a distinct client per master; the array repeats one.');
    }
    const nodes = clients.map((client) => asScriptClient(client as Redis));
    const backend = new QuorumBackend(nodes, config.commandTimeout, config.ttl);
    return new Locker(config, backend, new BackoffWait(), newLockerTag());
  }
  if (!isClient(redis)) {
    throw new LockConfigError(
      'createLocker needs an ioredis client, an ioredis Cluster or an array of clients.',
    );
  }
  const tag = newLockerTag();
  if (isCluster(redis)) {
    const backend = new ClusterBackend(asScriptClient(redis), config.commandTimeout, config.ttl);
    return new Locker(config, backend, new BackoffWait(), tag);
  }
  const hub = wakeupHub(redis, tag);
  const wakeLocally = hub && ((channel: string, message: string) => hub.dispatch(channel, message));
  const backend = new SingleNodeBackend(asScriptClient(redis), config.commandTimeout, wakeLocally);
  return new Locker(config, backend, hub ? new PubSubWait(hub) : new BackoffWait(), tag);
}

/**
 * The pub/sub wake-up hub, on a dedicated subscriber connection, where the client can make one (else waiters
 * poll). `tag` is the locker's: wake-ups for its tokens are kept for waiters not listening yet.
 */
function wakeupHub(redis: unknown, tag: string): WakeupHub | undefined {
  const client = redis as { duplicate?: () => SubscriberConnection };
  if (typeof client.duplicate !== 'function') return undefined;
  const duplicate = client.duplicate.bind(client);
  return new WakeupHub(() => duplicate(), tag);
}

function isClient(value: unknown): value is Parameters<typeof asScriptClient>[0] {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { evalsha?: unknown }).evalsha === 'function' &&
    typeof (value as { eval?: unknown }).eval === 'function'
  );
}

function isCluster(value: unknown): boolean {
  return (value as { isCluster?: unknown }).isCluster === true;
}
