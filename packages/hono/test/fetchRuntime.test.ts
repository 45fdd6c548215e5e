// Off Node's HTTP server (Bun, Deno, workers, or `app.request()` in tests) there is no Node response to watch:
// the middleware follows the answer's body instead, so the lock is held until the body was read to its end or
// cancelled, and the request's signal still stops a wait. Driven here through `app.fetch` on ioredis-mock.
import { createLocker, lockKeys, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/hono';
import { deferred } from '@deadbolt/http/conformance';
import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

describe('@deadbolt/hono without @hono/node-server (app.fetch, ioredis-mock)', () => {
  let redis: Redis;
  let locker: Locker;
  let released: string[];
  let app: Hono;
  let gate = deferred();

  beforeEach(() => {
    redis = new RedisMock({ host: 'hono-fetch-runtime', port: 1 });
    locker = createLocker(redis);
    released = [];
    locker.on('released', ({ key }) => void released.push(key));
    gate = deferred();
    app = new Hono();
    app.get('/items/:id', lockRequests({ locker, key: (c) => `item:${c.req.param('id')}` }), async (c) => {
      if (c.req.param('id') === 'empty') return c.body(null, 204);
      if (c.req.param('id') === 'held') await gate.promise;
      return c.json({ fence: c.get('lock')?.fence });
    });
  });

  afterEach(async () => {
    await locker.close();
    await redis.flushall();
    redis.disconnect();
  });

  it('holds the lock until the body was read, then releases once', async () => {
    const response = await app.request('/items/1');
    expect(response.status).to.equal(200);
    expect(locker.heldCount, 'held while the body is unread').to.equal(1);
    expect(await response.json())
      .to.have.property('fence')
      .that.is.a('number');
    await waitUntil(() => released.length === 1, { description: 'the release' });
    expect(released).to.deep.equal(['item:1']);
  });

  it('releases when the reader cancels the body', async () => {
    const response = await app.request('/items/2');
    expect(locker.heldCount).to.equal(1);
    await response.body?.cancel();
    await waitUntil(() => released.length === 1, { description: 'the release' });
  });

  it('releases at once after an answer without a body', async () => {
    const response = await app.request('/items/empty');
    expect(response.status).to.equal(204);
    await waitUntil(() => released.length === 1, { description: 'the release' });
  });

  it("stops waiting when the request's signal aborts, leaving no queue entry", async () => {
    const holder = app.request('/items/held');
    await waitUntil(() => locker.heldCount === 1, { description: 'the holder to hold the lock' });
    const client = new AbortController();
    const waiter = app.request(new Request('http://localhost/items/held', { signal: client.signal }));
    const queue = lockKeys('deadbolt', 'item:held').queue;
    await waitUntil(async () => (await redis.zcard(queue)) === 1, { description: 'the waiter to be queued' });
    client.abort();
    await waitUntil(async () => (await redis.zcard(queue)) === 0, { description: 'the queue entry to go' });
    expect((await waiter).status, 'nobody reads it: nginx\'s "client closed request"').to.equal(499);
    gate.resolve();
    await (await holder).arrayBuffer();
    await waitUntil(() => released.length === 1, { description: "the holder's release" });
    expect(locker.heldCount).to.equal(0);
  });
});
