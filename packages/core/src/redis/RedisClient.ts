import type { IoredisClient, RedisClientLike } from '../driver/clientShapes.js';

/**
 * How deadbolt runs scripts on a connection and reads its state (the `scripts` of a `RedisDriver`, which
 * documents the contract): ioredis `Redis`, ioredis `Cluster`, iovalkey and ioredis-mock fit as they are.
 */
export interface ScriptClient {
  /** ioredis connection state; ioredis-mock leaves it undefined. */
  readonly status?: string;
  /** ioredis `Cluster` sets this to `true`. */
  readonly isCluster?: boolean;
  /** ioredis' socket to its server; a Cluster and ioredis-mock have none. */
  readonly stream?: { cork(): void; uncork(): void };
  ping?(): Promise<unknown>;
  /** ioredis' event emitter: `ready` once a (re)connection can take commands. */
  once?(event: 'ready', listener: () => void): unknown;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /**
   * `WAIT numReplicas timeout` on this connection: resolves how many replicas acknowledged its writes. Needed
   * only for the `replicas` option; ioredis and iovalkey clients have it.
   */
  wait?(numReplicas: number, timeout: number): Promise<unknown>;
}

/**
 * What `createLocker` accepts: one client or Cluster of ioredis, iovalkey or node-redis (or a `RedisDriver`),
 * or several clients, one per independent master (quorum).
 */
export type RedisConnection = RedisClientLike | readonly RedisClientLike[];

/** Views an ioredis client as a {@link ScriptClient}; the overloads of ioredis' typings hide the plain form. */
export function asScriptClient(client: IoredisClient): ScriptClient {
  return client;
}
