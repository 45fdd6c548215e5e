import type { EventEmitter } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Locker } from '@deadbolt/core';
import type { Redis } from 'ioredis';
import type { SoakSample } from './soakTypes.js';

/** Σ listeners over every event of `emitter`. */
export function listenerTotal(emitter: EventEmitter | undefined): number {
  if (emitter === undefined) return 0;
  return emitter.eventNames().reduce((sum, name) => sum + emitter.listenerCount(name), 0);
}

/** Runs a full GC (twice, a turn apart, so finalizers queued by the first one are collected too). */
export async function collectGarbage(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the soak worker needs node --expose-gc');
  gc();
  await nextTurn();
  gc();
}

/** Takes a {@link SoakSample}; call it while every loop is idle. */
export async function takeSample(
  locker: Locker,
  redis: Redis,
  cycles: number,
  elapsedMs: number,
): Promise<SoakSample> {
  const dbsize = await redis.dbsize();
  await collectGarbage();
  const resources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) resources[type] = (resources[type] ?? 0) + 1;
  return {
    cycles,
    elapsedMs,
    heapUsed: process.memoryUsage().heapUsed,
    lockerListeners: listenerTotal(locker),
    clientListeners: listenerTotal(redis),
    socketListeners: listenerTotal(redis.stream),
    resources,
    dbsize,
    held: locker.heldCount,
  };
}
