import { createHook } from 'node:async_hooks';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type * as DeadboltCore from '@deadbolt/core';
import { Redis } from 'ioredis';
import { clock, type GapPlan, type GapRows, type Window } from './gapTypes.js';

type Core = typeof DeadboltCore;

/** Adds one to `counts[name]`. */
function count(counts: Record<string, number>, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

/**
 * One client process of the hand-over gap tool: `plan.clients` clients, each on its own ioredis connection and
 * locker of the measured worktree's built core, connect, learn the measuring window from `connected`, and loop
 * acquire → hold → release on one key through it, recording every release, every hand-over message their
 * wake-up connections receive, and every grant.
 *
 * @example
 * ```ts
 * const rows = await runGapClients(parseGapArgs(argv), url, async () => ({ startAt, endAt: startAt + 4000 }))
 * ```
 */
export async function runGapClients(
  plan: GapPlan,
  url: string,
  connected: () => Promise<Window>,
): Promise<GapRows> {
  const core = (await import(pathToFileURL(resolve(plan.root, 'packages/core/dist/index.js')).href)) as Core;
  const rows: GapRows = { releases: [], messages: [], grants: [], holds: 0, cpuMs: 0, counts: {} };
  const clients = await Promise.all(
    Array.from({ length: plan.clients }, async () => {
      const redis = new Redis(url, { lazyConnect: true });
      await redis.connect();
      tap(redis, rows);
      return { redis, locker: core.createLocker(redis, { ttl: 10_000 }) };
    }),
  );
  if (plan.hooks) createHook({ init: (_id, type) => count(rows.counts, type) }).enable();
  const options = plan.limit > 0 ? { limit: plan.limit } : undefined;
  const { startAt, endAt } = await connected();
  await sleep(Math.max(0, startAt - clock()));
  const cpu = process.cpuUsage();
  await Promise.all(
    clients.map(async ({ locker }) => {
      while (clock() < endAt) {
        const began = clock();
        const lock = await locker.acquire('one-key', options);
        const granted = clock();
        rows.grants.push([lock.fence, granted, granted - began]);
        if (granted < endAt) {
          await sleep(plan.hold);
          rows.holds += Math.min(clock(), endAt) - granted;
        }
        const sent = clock();
        await lock.release();
        rows.releases.push([lock.fence, sent, clock()]);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  rows.cpuMs = (used.user + used.system) / 1000;
  for (const { locker, redis } of clients) {
    await locker.close();
    redis.disconnect();
  }
  return rows;
}

/**
 * Counts the commands `redis` sends (a script by `evalsha` and its SHA1's first characters), and makes the
 * wake-up connection the locker will duplicate from it record each hand-over message (`token:fence`) as it
 * arrives, before the locker's own listener runs.
 */
function tap(redis: Redis, rows: GapRows): void {
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (command, stream) => {
    const [sha] = command.args;
    count(rows.counts, command.name === 'evalsha' ? `evalsha ${String(sha).slice(0, 6)}` : command.name);
    return send(command, stream);
  };
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (...args) => {
    const subscriber = duplicate(...args);
    subscriber.on('message', (_channel: string, message: string) => {
      const colon = message.indexOf(':');
      if (colon >= 0) rows.messages.push([Number(message.slice(colon + 1)), clock()]);
    });
    return subscriber;
  };
}
