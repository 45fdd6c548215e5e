import type { ScriptClient } from '../redis/RedisClient.js';
import type { SubscriberConnection } from '../wait/WakeupHub.js';
import { handleResubscribes } from './handleResubscribes.js';
import { hasMethods } from './hasMethods.js';
import { prefixedSubscriber } from './prefixedSubscriber.js';
import type { RedisDriver } from './RedisDriver.js';

/** An ioredis-shaped client as deadbolt reads it at run time (beyond its typed shape). */
interface IoredisRuntime extends ScriptClient {
  duplicate?: (...args: unknown[]) => SubscriberConnection;
  call?: (...words: string[]) => Promise<unknown>;
  options?: { keyPrefix?: unknown };
}

/**
 * Whether `value` looks like an ioredis client or Cluster (so also iovalkey, its fork, and ioredis-mock):
 * recognised by shape, never by class, so any copy of either package is accepted.
 */
export function isIoredisLike(value: unknown): value is ScriptClient {
  return hasMethods(value, 'evalsha', 'eval');
}

/**
 * The {@link RedisDriver} of an ioredis or iovalkey client or Cluster. The client runs the scripts itself (no
 * wrapper on the hot path); the wake-up subscriber is a `duplicate()` of a single client, and with a
 * `keyPrefix` it subscribes to the prefixed channels the scripts publish on (ioredis prefixes keys, not
 * channels). The re-subscriptions ioredis sends on its own after a reconnect are handled
 * (see {@link handleResubscribes}): closing the locker meanwhile leaves no unhandled rejection.
 *
 * @example
 * ```ts
 * const driver = ioredisDriver(new Redis({ keyPrefix: 'app:' }))
 * ```
 */
export function ioredisDriver(client: ScriptClient): RedisDriver {
  const runtime = client as IoredisRuntime;
  const isCluster = client.isCluster === true;
  const { duplicate, call } = runtime;
  const command = typeof call === 'function' && {
    command: (words: readonly string[]) => call.apply(client, [...words]),
  };
  if (isCluster || typeof duplicate !== 'function') {
    return { kind: 'ioredis', isCluster, scripts: client, ...command };
  }
  const prefix = typeof runtime.options?.keyPrefix === 'string' ? runtime.options.keyPrefix : '';
  return {
    kind: 'ioredis',
    isCluster,
    scripts: client,
    subscriber: () => prefixedSubscriber(handleResubscribes(duplicate.call(client)), prefix),
    ...command,
  };
}
