import { createLocker } from '@deadbolt/core';
import { RedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { once } from 'node:events';
import type { AppSpec } from './Harness.js';
import { get, type Answer } from './http.js';
import { leaseHeld, stealLease } from './redisState.js';
import type { SuiteContext } from './SuiteContext.js';

/** A logger that records what it is told. */
function recordingLogger() {
  const lines: { level: 'warn' | 'error'; message: string }[] = [];
  return {
    lines,
    warn: (message: string) => void lines.push({ level: 'warn', message }),
    error: (message: string) => void lines.push({ level: 'error', message }),
  };
}

/** Redis down (fail closed, fail open) and a lock lost while the handler runs. */
export function failureCases(context: () => SuiteContext): void {
  it('answers 503 + Retry-After when Redis stalls or dies, and serves unlocked with failOpen (logged once)', async () => {
    const ctx = context();
    await using doomed = await RedisServer.start();
    const locker = createLocker(doomed.client());
    const logger = recordingLogger();
    const served: (number | undefined)[] = [];
    const handler = (call: { lock: { fence: number } | undefined }) => {
      served.push(call.lock?.fence);
      return { status: 200, json: {} };
    };
    const closed = await ctx.serve({ locker, handler, options: { logger } });
    const open = await ctx.serve({ locker, handler, options: { logger, failOpen: true } });
    expect((await get(closed, '/items/1')).status).to.equal(200);
    doomed.pause(); // a stalled Redis: commands time out (core's commandTimeout) instead of hanging
    const stalled = await get(closed, '/items/1');
    doomed.resume();
    expect(stalled.status).to.equal(503);
    expect(stalled.headers['retry-after']).to.equal('1');
    expect((await get(closed, '/items/2')).status).to.equal(200);
    await doomed.kill();
    const down = await get(closed, '/items/1');
    expect(down.status).to.equal(503);
    expect(down.headers['retry-after']).to.equal('1');
    expect(down.json()).to.include({ status: 503, code: 'ERR_LOCK_REDIS' });
    const failedOpen = [await get(open, '/items/1'), await get(open, '/items/2')];
    expect(failedOpen.map((a) => a.status)).to.deep.equal([200, 200]);
    expect(served).to.have.length(4);
    expect(served.slice(2)).to.deep.equal([undefined, undefined]);
    expect(logger.lines.filter((l) => l.level === 'warn' && /failOpen/.test(l.message))).to.have.length(1);
    await locker.close();
  });

  it('aborts lock.signal and answers 503 when the lock is lost before the handler answered', async () => {
    let reason: unknown;
    const lost = await lostWhileHandling(context(), 'lost', (signal) => {
      if (signal === undefined) throw new Error('no lock');
      reason = signal.reason;
    });
    expect(lost.json()).to.include({ code: 'ERR_LOCK_LOST', type: 'urn:deadbolt:problem:lock-lost' });
    expect(reason).to.have.property('code', 'ERR_LOCK_LOST');
  });

  it('answers 503 also when the handler stops by throwing the reason of the lost signal', async () => {
    const lost = await lostWhileHandling(context(), 'thrown', (signal) => signal?.throwIfAborted());
    expect(lost.json()).to.include({ code: 'ERR_LOCK_LOST' });
  });

  it('ends a request that holds its lock longer than maxHold with 503 and frees the key', async () => {
    const ctx = context();
    const held = await serveUntilAborted(ctx, { maxHold: 200 });
    const answer = await get(held.url, '/items/slow');
    expect(held.entered()).to.equal(true);
    expect(answer.status).to.equal(503);
    await waitUntil(() => ctx.released('item:slow') === 1, { description: 'the release' });
    expect(await leaseHeld(ctx.client, 'item:slow')).to.equal(false);
  });
}

/**
 * Serves a handler that holds its lock until the lock's signal aborts, then calls `onAbort` with it (its signal is
 * `undefined` without a lock) and answers 200.
 */
async function serveUntilAborted(
  ctx: SuiteContext,
  options: NonNullable<AppSpec['options']>,
  onAbort: (signal: AbortSignal | undefined) => void = () => {},
): Promise<{ url: string; entered: () => boolean }> {
  let entered = false;
  const url = await ctx.serve({
    options,
    handler: async (call) => {
      entered = true;
      const signal = call.lock?.signal;
      if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
      onAbort(signal);
      return { status: 200, json: {} };
    },
  });
  return { url, entered: () => entered };
}

/**
 * Requests `/items/<id>` of a handler {@link serveUntilAborted} with a ttl of 300 ms, steals its lease while the
 * handler holds it, and resolves the answer once it is a 503 and the lock was released once.
 */
async function lostWhileHandling(
  ctx: SuiteContext,
  id: string,
  onAbort: (signal: AbortSignal | undefined) => void,
): Promise<Answer> {
  const held = await serveUntilAborted(ctx, { ttl: 300 }, onAbort);
  const answer = get(held.url, `/items/${id}`);
  await waitUntil(held.entered, { description: 'the handler to hold the lock' });
  await stealLease(ctx.client, `item:${id}`);
  const lost = await answer;
  expect(lost.status).to.equal(503);
  await waitUntil(() => ctx.released(`item:${id}`) === 1, { description: 'one release' });
  return lost;
}
