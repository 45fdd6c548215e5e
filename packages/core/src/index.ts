export { createLocker } from './createLocker.js';
export { Locker, type LockKey } from './Locker.js';
export { Lock } from './lease/Lock.js';
export type { LockerOptions, AcquireOptions, LockLogger, ReplicaOptions } from './config/options.js';
export type { LockerEvents } from './events.js';
export { HISTOGRAM_BUCKETS_MS, type Histogram, type LockerMetrics } from './metrics.js';
export type { RedisConnection, ScriptClient } from './redis/RedisClient.js';
export { detectDriver } from './driver/detectDriver.js';
export type { RedisDriver, DriverKind } from './driver/RedisDriver.js';
export type {
  GlideClientLike,
  IoredisClient,
  NodeRedisClient,
  NodeRedisEvalOptions,
  RedisClientLike,
} from './driver/clientShapes.js';
export type { SubscriberConnection } from './wait/WakeupHub.js';
export { LockError, type LockErrorCode } from './errors/LockError.js';
export { LockBusyError } from './errors/LockBusyError.js';
export { LockLostError, type LockLostReason } from './errors/LockLostError.js';
export { LockConfigError } from './errors/LockConfigError.js';
export { LockKeyError, type LockKeyErrorCode } from './errors/LockKeyError.js';
export { LockModeError } from './errors/LockModeError.js';
export { LockRedisError } from './errors/LockRedisError.js';
export { LockReplicationError } from './errors/LockReplicationError.js';
export { QuorumError, type QuorumNodeResult } from './errors/QuorumError.js';
export { encodeKey, lockKeys, type LockKeys } from './keys/lockKeys.js';
export { MAX_KEY_BYTES, MIN_TTL_MS } from './config/validate.js';
export { MAX_LIMIT } from './config/mode.js';
export { QUEUE_ENTRY_MS, HEARTBEAT_MS, CLOCK_STEP_TOLERANCE_MS } from './acquire/queueTiming.js';
export { fenceTtl, FENCE_COUNTER_MIN_MS } from './lease/fenceCounter.js';
export { BACKOFF_CAP_MS } from './wait/WaitStrategy.js';
export { MIN_RENEW_INTERVAL_MS } from './lease/RenewalSchedule.js';
