// Issue 19, item 4: a route after lockRequests sees `ctx.state.lock` typed on a plain `new Router()` (no
// `LockState` declared on the app or router); `pnpm run typecheck` compiles this file.
import { createLocker } from '@deadbolt/core';
import { get, listen } from '@deadbolt/http/conformance';
import { lockRequests } from '@deadbolt/koa';
import Router from '@koa/router';
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import Koa from 'koa';
import { createServer } from 'node:http';

describe('@deadbolt/koa state typing', () => {
  it('types ctx.state.lock in the route after the middleware', async () => {
    const redis = new RedisMock();
    const locker = createLocker(redis);
    const app = new Koa();
    const router = new Router();
    router.get('/orders/:id', lockRequests({ locker, key: (ctx) => `order:${ctx.params.id}` }), (ctx) => {
      const fence: number | undefined = ctx.state.lock?.fence;
      ctx.body = { fence, held: ctx.state.lock?.held };
    });
    app.use(router.routes());
    const handle = app.callback();
    const { url, close } = await listen(createServer((req, res) => void handle(req, res)));
    try {
      const body = (await get(url, '/orders/42')).json() as { fence: unknown; held: unknown };
      expect(typeof body.fence).to.equal('number');
      expect(body.held).to.equal(true);
    } finally {
      await close();
      await locker.close();
      redis.disconnect();
    }
  });
});
