import { LockConfigError } from '../errors/LockConfigError.js';
import { glideDriver, isGlideLike } from './glideDriver.js';
import { hasMethods } from './hasMethods.js';
import { ioredisDriver, isIoredisLike } from './ioredisDriver.js';
import { isNodeRedisLike, nodeRedisDriver } from './nodeRedisDriver.js';
import type { RedisDriver } from './RedisDriver.js';

/**
 * The {@link RedisDriver} for `client`, recognised by its shape (never by class, so any installed copy of a
 * client library works): an ioredis or iovalkey client or Cluster (and ioredis-mock), a node-redis client or
 * Cluster (`redis`, `@redis/client`), a Valkey GLIDE client or Cluster client (`@valkey/valkey-glide`), or a
 * driver object given as is.
 *
 * @throws LockConfigError for anything else.
 * @example
 * ```ts
 * detectDriver(new Redis()).kind                        // 'ioredis'
 * detectDriver(await createClient().connect()).kind     // 'node-redis'
 * detectDriver(await GlideClient.createClient(config)).kind // 'glide'
 * ```
 */
export function detectDriver(client: unknown): RedisDriver {
  if (isDriver(client)) return client;
  if (isGlideLike(client)) return glideDriver(client);
  if (isIoredisLike(client)) return ioredisDriver(client);
  if (isNodeRedisLike(client)) return nodeRedisDriver(client);
  throw new LockConfigError(
    'createLocker needs an ioredis, iovalkey, node-redis or Valkey GLIDE client, a Cluster of one of them, or an array of ' +
      'clients (one per independent master).',
  );
}

function isDriver(value: unknown): value is RedisDriver {
  const driver = value as Partial<RedisDriver> | null;
  return hasMethods(driver?.scripts, 'evalsha', 'eval') && typeof driver?.kind === 'string';
}
