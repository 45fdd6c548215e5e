// The answers the middleware writes itself keep the headers other middleware set (a request id) and drop the
// handler's representation headers (ETag, Location), also when they replace an answer the handler had already
// made (its lock was lost): Hono's `c.res` setter would merge the old answer's headers, Content-Length included.
import { createLocker, lockKeys, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/hono';
import { get, type Answer } from '@deadbolt/http/conformance';
import { expect } from 'chai';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { once } from 'node:events';
import { listen, type Listening } from './support/listen.js';

describe('@deadbolt/hono problem answers and the headers around them (ioredis-mock, real HTTP)', () => {
  let redis: Redis;
  let locker: Locker;
  let server: Listening;
  let streamCancelled = false;

  before(async () => {
    redis = new RedisMock({ host: 'hono-problem-headers', port: 1 });
    locker = createLocker(redis);
    const app = new Hono();
    app.use(async (c, next) => {
      c.header('X-Request-Id', 'req-1');
      c.header('Location', '/set-by-outer-middleware');
      await next();
    });
    app.get('/busy/:id', lockRequests({ locker, key: (c) => `busy:${c.req.param('id')}`, wait: 0 }), (c) =>
      c.json({ served: true }),
    );
    app.get(
      '/lost/:id',
      lockRequests({ locker, key: (c) => `lost:${c.req.param('id')}`, ttl: 300 }),
      async (c) => {
        const signal = c.get('lock')?.signal;
        await redis.del(lockKeys('deadbolt', `lost:${c.req.param('id')}`).lease);
        if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
        c.header('ETag', '"v2"');
        return c.json({ long: 'x'.repeat(1_000) }); // longer than the problem body: its Content-Length must not stay
      },
    );
    app.get('/stream/:id', lockRequests({ locker, key: () => 'stream:1', ttl: 300 }), async (c) => {
      const signal = c.get('lock')?.signal;
      await redis.del(lockKeys('deadbolt', 'stream:1').lease);
      if (signal !== undefined && !signal.aborted) await once(signal, 'abort');
      const body = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.enqueue(new TextEncoder().encode('chunk,')),
        cancel: () => void (streamCancelled = true),
      });
      return c.body(body, 200, { 'Content-Type': 'text/plain' });
    });
    server = await listen(app.fetch);
  });

  after(async () => {
    await server.close();
    await locker.close();
    redis.disconnect();
  });

  function expectProblem(answer: Answer, status: number, code: string): void {
    expect(answer.status).to.equal(status);
    expect(answer.headers['content-type']).to.equal('application/problem+json; charset=utf-8');
    expect(answer.headers['content-length']).to.equal(String(Buffer.byteLength(answer.text)));
    expect(answer.headers['cache-control']).to.equal('no-store');
    expect(answer.headers['retry-after']).to.match(/^\d+$/);
    expect(answer.headers['x-request-id'], 'set by other middleware: kept').to.equal('req-1');
    expect(answer.headers['location'], 'a representation header: dropped').to.equal(undefined);
    expect(answer.headers['etag'], 'a representation header: dropped').to.equal(undefined);
    expect(answer.json()).to.include({ status, code });
  }

  it('busy: 409 problem+json with the request id and without Location', async () => {
    const held = await locker.acquire('busy:1');
    try {
      expectProblem(await get(server.url, '/busy/1'), 409, 'ERR_LOCK_BUSY');
    } finally {
      await held.release();
    }
    expect((await get(server.url, '/busy/1')).json()).to.deep.equal({ served: true });
  });

  it("lock lost: the handler's answer is replaced whole, its ETag and Content-Length gone", async () => {
    expectProblem(await get(server.url, '/lost/1'), 503, 'ERR_LOCK_LOST');
  });

  it('lock lost: a streamed body the handler returned is cancelled, never sent', async () => {
    expectProblem(await get(server.url, '/stream/1'), 503, 'ERR_LOCK_LOST');
    expect(streamCancelled).to.equal(true);
  });
});
