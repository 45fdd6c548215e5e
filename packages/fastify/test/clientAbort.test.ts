// A client that leaves while its request waits for a busy key, seen at the socket level: a raw TCP client sends a
// POST with a JSON body (so the preHandler runs after Fastify parsed it), waits until it is queued in Redis, and
// destroys its socket. Nothing of it may stay in Redis, its handler never runs, and the next request is served.
import { createLocker, lockKeys, type Locker } from '@deadbolt/core';
import { deadbolt, lockRequests } from '@deadbolt/fastify';
import { deferred } from '@deadbolt/http/conformance';
import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import Fastify, { type FastifyInstance } from 'fastify';
import { connect, type Socket } from 'node:net';
import type { Redis } from 'ioredis';

interface ItemRoute {
  Params: { id: string };
  Body: { by: string };
}

describe('@deadbolt/fastify: a client gone while waiting (raw socket)', () => {
  const fixture = useRedisServer();
  let redis: Redis;
  let locker: Locker;
  let app: FastifyInstance;
  let url: string;
  const gate = deferred();
  const served: string[] = [];

  before(async () => {
    redis = fixture.server.client();
    locker = createLocker(redis);
    app = Fastify();
    await app.register(deadbolt);
    app.post<ItemRoute>(
      '/items/:id',
      { preHandler: lockRequests({ locker, key: (request) => `item:${request.params.id}`, wait: 30_000 }) },
      async (request) => {
        served.push(request.body.by);
        if (request.body.by === 'holder') await gate.promise;
        return { by: request.body.by, fence: request.lock?.fence };
      },
    );
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });

  after(async () => {
    app.server.closeAllConnections();
    await app.close();
    await locker.close();
  });

  const queued = (): Promise<number> => redis.zcard(lockKeys('deadbolt', 'item:1').queue);
  const post = (by: string): Promise<Response> =>
    fetch(`${url}/items/1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ by }),
    });

  /** Opens a socket and writes one POST /items/1 with `{ by }` as its JSON body. */
  function rawPost(by: string): Promise<Socket> {
    const body = JSON.stringify({ by });
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /items/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
        );
        resolve(socket);
      });
      socket.once('error', reject);
    });
  }

  it('leaves no lease, no queue entry and no held lock, and never runs its handler', async () => {
    const holder = post('holder');
    await waitUntil(() => served.length === 1, { description: 'the holder to enter its handler' });
    const waiter = await rawPost('waiter');
    await waitUntil(async () => (await queued()) === 1, {
      description: 'the raw client to be queued',
    });
    waiter.destroy();
    await waitUntil(async () => (await queued()) === 0, {
      description: 'its queue entry to go',
    });
    gate.resolve();
    expect((await holder).status).to.equal(200);
    await waitUntil(() => locker.heldCount === 0, { description: 'the holder to release' });
    expect(await redis.keys('deadbolt:*')).to.satisfy((keys: string[]) =>
      keys.every((key) => key.endsWith(':fence')),
    );
    expect(served).to.deep.equal(['holder']);
    expect((await post('next')).status).to.equal(200);
    expect(served).to.deep.equal(['holder', 'next']);
  });
});
