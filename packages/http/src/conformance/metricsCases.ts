import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { gatedHandler } from './gatedHandler.js';
import { get, send } from './http.js';
import { untilInLine } from './redisState.js';
import type { SuiteContext } from './SuiteContext.js';

/**
 * The locker's counters seen through requests: each request is one acquire, so `acquired` counts the
 * requests that got their lock and `busy` exactly those that gave up (a request that waited and was served is
 * not busy; a client that left while waiting is neither).
 */
export function metricsCases(context: () => SuiteContext): void {
  it('counts 30 contended requests that were all served as 30 acquired and 0 busy', async () => {
    const ctx = context();
    let waited = 0;
    ctx.locker.on('waited', () => (waited += 1));
    const { handler, entered, open } = gatedHandler();
    const url = await ctx.serve({ options: { wait: 60_000 }, handler });
    const holder = get(url, '/items/1');
    await waitUntil(() => entered() === 1, { description: 'the first request to hold the lock' });
    const waiters = Array.from({ length: 29 }, () => get(url, '/items/1'));
    await untilInLine(ctx.client, 'item:1', 29);
    open();
    const statuses = (await Promise.all([holder, ...waiters])).map((answer) => answer.status);
    expect(statuses).to.deep.equal(Array.from({ length: 30 }, () => 200));
    await waitUntil(() => ctx.released('item:1') === 30, { description: '30 releases' });
    const metrics = ctx.locker.metrics();
    expect(metrics).to.include({ acquired: 30, busy: 0, released: 30, lost: 0, held: 0 });
    expect(metrics.waitMs.count).to.equal(30);
    expect(metrics.holdMs.count).to.equal(30);
    expect(waited).to.equal(29); // each waiter found the lock busy once, then waited
  });

  it('counts as busy exactly the requests that gave up, and not a client that left while waiting', async () => {
    const ctx = context();
    const { handler, entered, open } = gatedHandler();
    const patient = await ctx.serve({ options: { wait: 60_000 }, handler });
    const atOnce = await ctx.serve({ options: { wait: 0 }, handler });
    const brief = await ctx.serve({ options: { wait: 150 }, handler });
    const holder = get(patient, '/items/1');
    await waitUntil(() => entered() === 1, { description: 'the first request to hold the lock' });
    const leaving = send(patient, '/items/1');
    await untilInLine(ctx.client, 'item:1', 1);
    leaving.destroy();
    await untilInLine(ctx.client, 'item:1', 0);
    const refused = await Promise.all([
      ...Array.from({ length: 3 }, () => get(atOnce, '/items/1')),
      ...Array.from({ length: 2 }, () => get(brief, '/items/1')),
    ]);
    expect(refused.map((answer) => answer.status)).to.deep.equal([409, 409, 409, 409, 409]);
    expect(ctx.locker.metrics()).to.include({ acquired: 1, busy: 5, held: 1 });
    open();
    expect((await holder).status).to.equal(200);
    await waitUntil(() => ctx.released('item:1') === 1, { description: 'the holder released' });
    expect(ctx.locker.metrics()).to.include({ acquired: 1, busy: 5, released: 1, held: 0 });
  });
}
