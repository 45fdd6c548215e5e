import chaiAsPromised from 'chai-as-promised';
import type { Redis } from 'ioredis';
import type { RedisServer } from '@deadbolt/testing';
import { waitUntil } from '@deadbolt/testing';
import { lockKeys } from '../src/index.js';
import { twinsReady } from './support/clientKinds.js';

/** How a master is made unavailable in a test. */
export type Outage = 'kill' | 'pause';

/** Takes `server` out: SIGKILL or SIGSTOP. */
export async function takeDown(server: RedisServer, outage: Outage): Promise<void> {
  if (outage === 'kill') await server.kill();
  else server.pause();
}

/**
 * Brings every server back (restart if killed, SIGCONT if paused) and waits until every client is ready, the
 * lock's clients of every library too (see `twinsReady`).
 */
export async function bringBack(servers: readonly RedisServer[], clients: readonly Redis[]): Promise<void> {
  for (const server of servers) {
    if (!server.running) await server.restart();
    else if (server.paused) server.resume();
  }
  await waitUntil(async () => (await Promise.all(clients.map((c) => c.ping()))).every((r) => r === 'PONG'), {
    timeoutMs: 10_000,
    description: 'every master to answer again',
  });
  await twinsReady(clients);
}

/** Waits until no master holds a lease on `key` (its commands queued during a pause have run). */
export async function waitNoLease(
  clients: readonly Redis[],
  key: string,
  prefix = 'deadbolt',
): Promise<void> {
  const lease = lockKeys(prefix, key).lease;
  await waitUntil(
    async () => (await Promise.all(clients.map((c) => c.exists(lease)))).every((n) => n === 0),
    {
      timeoutMs: 5_000,
      description: `no master to hold ${key}`,
    },
  );
}

/** The fence stored on each master for `key` (0 when absent). */
export async function storedFences(
  clients: readonly Redis[],
  key: string,
  prefix = 'deadbolt',
): Promise<number[]> {
  const fence = lockKeys(prefix, key).fence;
  return (await Promise.all(clients.map((c) => c.get(fence)))).map((v) => Number(v ?? 0));
}

/** A promise for the next `count` emissions of a lock event. */
export function nextEvents(
  emitter: { on(event: string, fn: () => void): unknown; off(event: string, fn: () => void): unknown },
  event: string,
  count: number,
): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const fn = (): void => {
      seen += 1;
      if (seen >= count) {
        emitter.off(event, fn);
        resolve();
      }
    };
    emitter.on(event, fn);
  });
}

interface ChaiModule {
  use(plugin: Chai.ChaiPlugin): Chai.ChaiStatic;
  expect: Chai.ExpectStatic;
}
// chai 6 ships no type declarations; load it untyped and re-export with @types/chai's global types.
const chaiSpecifier: string = 'chai';
const chai = (await import(chaiSpecifier)) as ChaiModule;
chai.use(chaiAsPromised);

/** chai's `expect` with chai-as-promised. */
export const expect: Chai.ExpectStatic = chai.expect;
