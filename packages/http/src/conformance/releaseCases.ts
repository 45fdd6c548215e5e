import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { deferred } from './deferred.js';
import { get, send } from './http.js';
import { leaseHeld, leftoverKeys, untilInLine } from './redisState.js';
import type { SuiteContext } from './SuiteContext.js';

/** Exactly one release on every exit, and nothing left behind by a client that gives up. */
export function releaseCases(context: () => SuiteContext): void {
  it('releases once after a normal response and once after a handler error', async () => {
    const ctx = context();
    const url = await ctx.serve({
      handler: (call) => {
        if (call.id === 'boom') throw new Error('handler failed');
        return { status: 200, json: {} };
      },
    });
    expect((await get(url, '/items/ok')).status).to.equal(200);
    expect((await get(url, '/items/boom')).status).to.equal(500);
    await waitUntil(() => ctx.released('item:ok') === 1 && ctx.released('item:boom') === 1, {
      description: 'one release per request',
    });
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
    expect(ctx.locker.heldCount).to.equal(0);
  });

  it('holds the lock while a streamed response flows and releases once when it ends', async () => {
    const ctx = context();
    const midStream = deferred();
    const finish = deferred();
    const url = await ctx.serve({
      handler: () => ({
        chunks: (async function* () {
          yield 'first,';
          midStream.resolve();
          await finish.promise;
          yield 'last';
        })(),
      }),
    });
    const answer = get(url, '/items/stream');
    await midStream.promise;
    expect(await leaseHeld(ctx.client, 'item:stream')).to.equal(true);
    expect(ctx.released('item:stream')).to.equal(0);
    finish.resolve();
    expect((await answer).text).to.equal('first,last');
    await waitUntil(() => ctx.released('item:stream') === 1, { description: 'the release' });
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
  });

  it('handles a client that leaves while the handler runs as documented, releasing once', async () => {
    const ctx = context();
    const { releaseAfterHandler } = ctx.harness;
    const gate = deferred();
    const closed = deferred();
    const handlerSawAbort: boolean[] = [];
    const url = await ctx.serve({
      handler: async (call) => {
        void call.closed.then(() => closed.resolve());
        await gate.promise;
        handlerSawAbort.push(call.lock?.signal.aborted ?? false);
        return { status: 200, json: {} };
      },
    });
    const request = send(url, '/items/gone');
    await waitUntil(async () => leaseHeld(ctx.client, 'item:gone'), { description: 'the lock to be held' });
    request.destroy();
    await closed.promise;
    if (releaseAfterHandler) {
      // Koa: the handler keeps its lock until it completes.
      expect(await leaseHeld(ctx.client, 'item:gone')).to.equal(true);
      expect(ctx.released('item:gone')).to.equal(0);
    } else {
      // Express: released when the response closes; the handler sees its signal aborted.
      await waitUntil(() => ctx.released('item:gone') === 1, { description: 'the release on close' });
      expect(await leaseHeld(ctx.client, 'item:gone')).to.equal(false);
    }
    gate.resolve();
    await waitUntil(() => handlerSawAbort.length === 1 && ctx.released('item:gone') === 1, {
      description: 'the handler to finish and the lock to be released',
    });
    expect(handlerSawAbort).to.deep.equal([!releaseAfterHandler]);
    expect((await get(url, '/items/gone')).status).to.equal(200);
    await waitUntil(() => ctx.released('item:gone') === 2, { description: 'the next request to release' });
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
  });

  it('leaves no lock and no queue entry when a waiting client disconnects', async () => {
    const ctx = context();
    const gate = deferred();
    const entered: string[] = [];
    const url = await ctx.serve({
      options: { wait: 30_000 },
      handler: async (call) => {
        entered.push(String(call.query['n']));
        if (call.query['n'] === 'holder') await gate.promise;
        return { status: 200, json: {} };
      },
    });
    const holder = get(url, '/items/q?n=holder');
    await waitUntil(() => entered.length === 1, { description: 'the holder to enter' });
    const waiter = send(url, '/items/q?n=waiter');
    await untilInLine(ctx.client, 'item:q', 1);
    waiter.destroy();
    await untilInLine(ctx.client, 'item:q', 0);
    gate.resolve();
    expect((await holder).status).to.equal(200);
    await waitUntil(() => ctx.released('item:q') === 1, { description: 'the holder to release' });
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
    expect(entered).to.deep.equal(['holder']);
  });
}
