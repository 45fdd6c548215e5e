export { redisServerBinary } from './redisServerBinary.js';
export { testClientOptions, testClusterOptions } from './clientOptions.js';
export { parseCommandStats } from './parseCommandStats.js';
export { parseCpuSeconds } from './parseCpuSeconds.js';
export {
  REDIS_SERVER_INSTALL_HINT,
  RedisServerNotFoundError,
  type RedisServerLookup,
} from './RedisServerNotFoundError.js';
export { freeClusterPort, freePort } from './freePort.js';
export { isCollected } from './isCollected.js';
export { RedisCluster, type RedisClusterOptions } from './RedisCluster.js';
export { RedisMasters } from './RedisMasters.js';
export { RedisReplicaSet, type RedisReplicaSetOptions } from './RedisReplicaSet.js';
export { RedisServer } from './RedisServer.js';
export { ServerClock } from './ServerClock.js';
export { ClockShimUnavailableError } from './ClockShimUnavailableError.js';
export { addRedisServerHooks, type RedisServerHooks } from './serverHooks.js';
export type { RedisServerOptions } from './RedisServerOptions.js';
export { runningRedisPids } from './registry.js';
export type { SuiteHooks, SuiteHooksOption } from './suiteFixture.js';
export { useRedisCluster, type RedisClusterFixture, type UseRedisClusterOptions } from './useRedisCluster.js';
export { useRedisServer, type RedisServerFixture, type UseRedisServerOptions } from './useRedisServer.js';
export { waitUntil, type WaitUntilOptions } from './waitUntil.js';
