import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { setTimeout as delay } from 'node:timers/promises';
import { deferred } from './deferred.js';
import { get, type Answer } from './http.js';
import type { HandlerCall } from './Harness.js';
import { untilInLine } from './redisState.js';
import type { SuiteContext } from './SuiteContext.js';

/**
 * An app on the test's locker whose handler holds the lock for `?ms=` ms, or until `release()` for `?gate=1`;
 * `held()` resolves once a gated request holds the lock.
 */
async function holdingApp(ctx: SuiteContext, options: Readonly<Record<string, unknown>>) {
  let gate = deferred();
  let gated = 0;
  const url = await ctx.serve({
    options,
    handler: async (call: HandlerCall) => {
      if (call.query['gate'] === '1') {
        gated += 1;
        await gate.promise;
      } else await delay(Number(call.query['ms'] ?? 0));
      return { status: 200, json: {} };
    },
  });
  return {
    url,
    /** Starts a request that holds `item:1` until `release()`; resolves once it holds it. */
    hold: async (): Promise<{ release: () => Promise<Answer> }> => {
      const before = gated;
      const answer = get(url, '/items/1?gate=1');
      await waitUntil(() => gated > before, { description: 'a request to hold item:1' });
      return {
        release: () => {
          gate.resolve();
          gate = deferred();
          return answer;
        },
      };
    },
  };
}

/** `Retry-After` of a busy answer: the typical hold times the requests in line, capped by the holder's lease. */
export function retryAfterCases(context: () => SuiteContext): void {
  it("answers Retry-After 1 for holders of about 200 ms, not the holder's 10 s lease", async () => {
    const ctx = context();
    const app = await holdingApp(ctx, { wait: 60_000, ttl: 10_000 });
    const served = await Promise.all(Array.from({ length: 5 }, () => get(app.url, '/items/1?ms=200')));
    expect(served.map((answer) => answer.status)).to.deep.equal(Array.from({ length: 5 }, () => 200));
    const busy = await ctx.serve({ options: { wait: 0 }, handler: () => ({ status: 200, json: {} }) });
    const holder = await app.hold();
    const answer = await get(busy, '/items/1');
    expect(answer.status).to.equal(409);
    expect(answer.headers['retry-after']).to.equal('1');
    expect((await holder.release()).status).to.equal(200);
  });

  it('counts the requests in line: 4 in line before any hold ended → 5 × 1 s', async () => {
    const ctx = context();
    const app = await holdingApp(ctx, { wait: 60_000, ttl: 10_000 });
    const busy = await ctx.serve({ options: { wait: 0 }, handler: () => ({ status: 200, json: {} }) });
    const holder = await app.hold();
    const waiting = Array.from({ length: 4 }, () => get(app.url, '/items/1'));
    await untilInLine(ctx.client, 'item:1', 4);
    const answer = await get(busy, '/items/1');
    expect(answer.status).to.equal(409);
    expect(answer.headers['retry-after']).to.equal('5');
    expect((await holder.release()).status).to.equal(200);
    expect((await Promise.all(waiting)).map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
  });

  it("grows with long holds, capped by the holder's remaining lease", async () => {
    const ctx = context();
    const long = await holdingApp(ctx, { wait: 60_000, ttl: 10_000 });
    const short = await holdingApp(ctx, { wait: 60_000, ttl: 1_000 });
    const busy = await ctx.serve({ options: { wait: 0 }, handler: () => ({ status: 200, json: {} }) });
    expect((await get(long.url, '/items/1?ms=1500')).status).to.equal(200); // the typical hold is now ~1.5 s
    const shortLease = await short.hold();
    const capped = await get(busy, '/items/1');
    expect(capped.headers['retry-after']).to.equal('1'); // the holder's lease ends within 1 s unless renewed
    expect((await shortLease.release()).status).to.equal(200);
    const longLease = await long.hold();
    const grown = Number((await get(busy, '/items/1')).headers['retry-after']);
    expect(grown).to.be.within(2, 10); // ~1.2 s or more expected, at most the 10 s lease
    expect((await longLease.release()).status).to.equal(200);
  });
}
