import type { Cluster, Redis } from 'ioredis';

/** What deadbolt needs from a Redis connection: ioredis `Redis`, ioredis `Cluster` and ioredis-mock all fit. */
export interface ScriptClient {
  /** ioredis connection state; ioredis-mock leaves it undefined. */
  readonly status?: string;
  /** ioredis `Cluster` sets this to `true`. */
  readonly isCluster?: boolean;
  /** ioredis' socket to its server; a Cluster and ioredis-mock have none. */
  readonly stream?: { cork(): void; uncork(): void };
  ping?(): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

/** The clients `createLocker` accepts: one ioredis client, one ioredis Cluster, or several clients (quorum). */
export type RedisConnection = Redis | Cluster | readonly Redis[];

/** Views an ioredis client as a {@link ScriptClient}; the overloads of ioredis' typings hide the plain form. */
export function asScriptClient(client: Redis | Cluster): ScriptClient {
  return client;
}
