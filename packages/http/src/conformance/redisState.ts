import { lockKeys } from '@deadbolt/core';
import { waitUntil } from '@deadbolt/testing';
import type { Redis } from 'ioredis';

/** How many requests wait in the FIFO queue of `key` (default prefix). */
export function queueLength(redis: Redis, key: string): Promise<number> {
  return redis.zcard(lockKeys('deadbolt', key).queue);
}

/** Whether someone holds the lease of `key`. */
export async function leaseHeld(redis: Redis, key: string): Promise<boolean> {
  return (await redis.exists(lockKeys('deadbolt', key).lease)) === 1;
}

/** Deletes the lease of `key` behind its owner's back: its next renewal finds it gone. */
export async function stealLease(redis: Redis, key: string): Promise<void> {
  await redis.del(lockKeys('deadbolt', key).lease);
}

/** Every deadbolt key left in Redis except the fence counters (which outlive locks by design). */
export async function leftoverKeys(redis: Redis): Promise<string[]> {
  const keys = await redis.keys('deadbolt:*');
  return keys.filter((key) => !key.endsWith(':fence')).sort();
}

/** Resolves once exactly `count` requests wait in the queue of `key`. */
export function untilInLine(redis: Redis, key: string, count: number): Promise<void> {
  return waitUntil(async () => (await queueLength(redis, key)) === count, {
    description: `${count} request(s) in line for ${key}`,
  });
}
