import type { ScriptClient } from '../redis/RedisClient.js';
import type { RedisDriver } from './RedisDriver.js';

/**
 * An ioredis or iovalkey client or Cluster (or ioredis-mock), as far as deadbolt's types need it: described by
 * shape, so that `@deadbolt/core` compiles without ioredis installed.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis'
 * const client: IoredisClient = new Redis()
 * ```
 */
export type IoredisClient = ScriptClient;

/** The script options of node-redis' `evalSha` and `eval`. */
export interface NodeRedisEvalOptions {
  keys?: string[];
  arguments?: string[];
}

/**
 * A node-redis client (`redis` or `@redis/client`, from `createClient`) or Cluster (from `createCluster`), as
 * far as deadbolt's types need it: described by shape, so that `@deadbolt/core` compiles without node-redis.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis'
 * const client: NodeRedisClient = await createClient().connect()
 * ```
 */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  /** Absent on node-redis 5's Cluster, which tells only whether it is open. */
  readonly isReady?: boolean;
  evalSha(sha: string, options?: NodeRedisEvalOptions): Promise<unknown>;
  eval(script: string, options?: NodeRedisEvalOptions): Promise<unknown>;
}

/**
 * A Valkey GLIDE client (`GlideClient` or `GlideClusterClient` of `@valkey/valkey-glide`, from
 * `createClient`), as far as deadbolt's types need it: described by shape, so that `@deadbolt/core` compiles
 * without GLIDE installed.
 *
 * @example
 * ```ts
 * import { GlideClient } from '@valkey/valkey-glide'
 * const client: GlideClientLike = await GlideClient.createClient({ addresses: [{ host: 'localhost', port: 6379 }] })
 * ```
 */
export interface GlideClientLike {
  customCommand(args: string[], options?: object): Promise<unknown>;
  invokeScript(...args: never[]): Promise<unknown>;
  close(errorMessage?: string): void;
}

/**
 * One connection `createLocker` accepts: a client or Cluster of ioredis, iovalkey, node-redis or Valkey GLIDE,
 * or a driver.
 */
export type RedisClientLike = IoredisClient | NodeRedisClient | GlideClientLike | RedisDriver;
