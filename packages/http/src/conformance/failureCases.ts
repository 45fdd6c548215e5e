import { createLocker } from '@deadbolt/core';
import { RedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { once } from 'node:events';
import { get } from './http.js';
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
    const ctx = context();
    let reason: unknown;
    let entered = false;
    const url = await ctx.serve({
      options: { ttl: 300 },
      handler: async (call) => {
        entered = true;
        const signal = call.lock?.signal;
        if (signal === undefined) throw new Error('no lock');
        if (!signal.aborted) await once(signal, 'abort');
        reason = signal.reason;
        return { status: 200, json: { ok: true } };
      },
    });
    const answer = get(url, '/items/lost');
    await waitUntil(() => entered, { description: 'the handler to hold the lock' });
    await stealLease(ctx.client, 'item:lost');
    const lost = await answer;
    expect(lost.status).to.equal(503);
    expect(lost.json()).to.include({ code: 'ERR_LOCK_LOST', type: 'urn:deadbolt:problem:lock-lost' });
    expect(reason).to.have.property('code', 'ERR_LOCK_LOST');
    await waitUntil(() => ctx.released('item:lost') === 1, { description: 'one release' });
  });

  it('answers 503 also when the handler stops by throwing the reason of the lost signal', async () => {
    const ctx = context();
    let entered = false;
    const url = await ctx.serve({
      options: { ttl: 300 },
      handler: async (call) => {
        entered = true;
        const signal = call.lock?.signal;
        if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
        signal?.throwIfAborted();
        return { status: 200, json: {} };
      },
    });
    const answer = get(url, '/items/thrown');
    await waitUntil(() => entered, { description: 'the handler to hold the lock' });
    await stealLease(ctx.client, 'item:thrown');
    const lost = await answer;
    expect(lost.status).to.equal(503);
    expect(lost.json()).to.include({ code: 'ERR_LOCK_LOST' });
    await waitUntil(() => ctx.released('item:thrown') === 1, { description: 'one release' });
  });

  it('ends a request that holds its lock longer than maxHold with 503 and frees the key', async () => {
    const ctx = context();
    let entered = false;
    const url = await ctx.serve({
      options: { maxHold: 200 },
      handler: async (call) => {
        entered = true;
        const signal = call.lock?.signal;
        if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
        return { status: 200, json: {} };
      },
    });
    const answer = await get(url, '/items/slow');
    expect(entered).to.equal(true);
    expect(answer.status).to.equal(503);
    await waitUntil(() => ctx.released('item:slow') === 1, { description: 'the release' });
    expect(await leaseHeld(ctx.client, 'item:slow')).to.equal(false);
  });
}
