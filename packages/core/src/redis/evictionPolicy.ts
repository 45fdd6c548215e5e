import type { RedisDriver } from '../driver/RedisDriver.js';
import type { LockLogger } from '../config/options.js';

/** What `CONFIG GET maxmemory*` told of a server's eviction. */
export interface EvictionSettings {
  /** `maxmemory-policy`, e.g. `noeviction` or `allkeys-lru`. */
  readonly policy: string;
  /** `maxmemory` in bytes; 0 = no limit. */
  readonly maxmemory: number;
}

/**
 * Whether a `maxmemory-policy` lets Redis evict lock keys: every policy but `noeviction` (the `allkeys-*`
 * policies evict any key; the `volatile-*` ones evict keys with a TTL, and every lease has one).
 *
 * @example
 * ```ts
 * canEvictLocks('allkeys-lru') // true
 * canEvictLocks('noeviction')  // false
 * ```
 */
export function canEvictLocks(policy: string): boolean {
  return policy !== 'noeviction';
}

/**
 * Reads the server's eviction settings with `CONFIG GET maxmemory*`; `undefined` when the driver cannot send a
 * plain command or the server refuses it (a renamed or disabled `CONFIG`, an ACL, a managed service).
 *
 * @example
 * ```ts
 * const settings = await readEvictionSettings(detectDriver(redis)) // { policy: 'noeviction', maxmemory: 0 }
 * ```
 */
export async function readEvictionSettings(driver: RedisDriver): Promise<EvictionSettings | undefined> {
  if (!driver.command) return undefined;
  try {
    const values = configValues(await driver.command(['CONFIG', 'GET', 'maxmemory*']));
    const policy = values.get('maxmemory-policy');
    if (policy === undefined) return undefined;
    return { policy, maxmemory: Number(values.get('maxmemory') ?? 0) };
  } catch {
    return undefined;
  }
}

/**
 * Warns once through `logger` when one of `drivers`' servers can evict lock keys (see {@link canEvictLocks}).
 * Sends nothing without a logger; never rejects. Resolves the settings read, for tests.
 *
 * @example
 * ```ts
 * void warnIfEvicting([detectDriver(redis)], console)
 * ```
 */
export async function warnIfEvicting(
  drivers: readonly RedisDriver[],
  logger: LockLogger | undefined,
): Promise<(EvictionSettings | undefined)[]> {
  if (!logger) return [];
  const settings = await Promise.all(drivers.map(readEvictionSettings));
  const evicting = settings.find((setting) => setting !== undefined && canEvictLocks(setting.policy));
  if (evicting) {
    const limit = evicting.maxmemory > 0 ? `maxmemory ${evicting.maxmemory} bytes` : 'no maxmemory set yet';
    logger.warn(
      `deadbolt: Redis maxmemory-policy is ${evicting.policy} (${limit}): under memory pressure Redis may evict ` +
        'lock leases, so two holders can believe they hold one lock. Use noeviction for lock keys ' +
        '(see docs/operations.md).',
      { policy: evicting.policy, maxmemory: evicting.maxmemory },
    );
  }
  return settings;
}

/** `CONFIG GET`'s reply as a map: a flat array of names and values (RESP2), or a map or object (RESP3). */
function configValues(reply: unknown): Map<string, string> {
  const values = new Map<string, string>();
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) values.set(String(reply[i]), String(reply[i + 1]));
  } else if (reply instanceof Map) {
    for (const [name, value] of reply) values.set(String(name), String(value));
  } else if (typeof reply === 'object' && reply !== null) {
    for (const [name, value] of Object.entries(reply)) values.set(name, String(value));
  }
  return values;
}
