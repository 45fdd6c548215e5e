// A client that gives up while its request waits for a busy resource, seen on a raw TCP socket (no HTTP client
// in between): the connection's close (from which @hono/node-server also aborts `c.req.raw.signal`) stops the
// wait, and nothing is left in Redis: no queue entry, no lease, the handler never runs.
import { createLocker, lockKeys, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/hono';
import { deferred, get } from '@deadbolt/http/conformance';
import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { connect, type Socket } from 'node:net';
import { listen, type Listening } from './support/listen.js';

const ways: Record<string, (socket: Socket) => void> = {
  'closes its socket (FIN)': (socket) => socket.destroy(),
  'resets its connection (RST)': (socket) => socket.resetAndDestroy(),
};

describe('@deadbolt/hono: a client that leaves while its request waits (raw socket, real Redis)', () => {
  const redis = useRedisServer();
  let client: Redis;
  let locker: Locker;
  let server: Listening;
  let port: number;
  let gate = deferred();
  const entered: string[] = [];
  const signals = new Map<string, AbortSignal>();
  let released = 0;

  before(async () => {
    client = redis.server.client();
    locker = createLocker(client);
    locker.on('released', () => void (released += 1));
    const app = new Hono();
    const key = (c: { req: { param(name: string): string | undefined; raw: Request } }) => {
      signals.set(String(c.req.param('who')), c.req.raw.signal);
      return 'item:1';
    };
    app.get('/items/:who', lockRequests({ locker, key, wait: 30_000 }), async (c) => {
      entered.push(c.req.param('who'));
      if (c.req.param('who') === 'holder') await gate.promise;
      return c.json({ fence: c.get('lock')?.fence });
    });
    server = await listen(app.fetch);
    port = server.port;
  });

  after(async () => {
    await server.close();
    await locker.close();
    client.disconnect();
  });

  for (const [how, leave] of Object.entries(ways)) {
    it(`stops waiting and leaves no lock when the client ${how}`, async () => {
      const keys = lockKeys('deadbolt', 'item:1');
      entered.length = 0;
      released = 0;
      gate = deferred();
      const holder = get(server.url, '/items/holder');
      await waitUntil(() => entered.length === 1, { description: 'the holder to enter' });
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined); // a reset may surface here
      socket.write(`GET /items/waiter HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await waitUntil(async () => (await client.zcard(keys.queue)) === 1, {
        description: 'the waiter to be queued',
      });
      leave(socket);
      await waitUntil(async () => (await client.zcard(keys.queue)) === 0, {
        description: 'the queue entry to go',
      });
      expect(signals.get('waiter')?.aborted, 'c.req.raw.signal aborted').to.equal(true);
      gate.resolve();
      expect((await holder).status).to.equal(200);
      await waitUntil(() => released === 1, { description: "the holder's release" });
      expect(await client.exists(keys.lease)).to.equal(0);
      expect(entered).to.deep.equal(['holder']);
      expect(locker.heldCount).to.equal(0);
      expect((await client.keys('deadbolt:*')).filter((k) => !k.endsWith(':fence'))).to.deep.equal([]);
    });
  }
});
