import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/koa';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import Koa from 'koa';
import { createServer } from 'node:http';
import { get, listen, type Listening } from '@deadbolt/http/conformance';

describe('@deadbolt/koa mounted with app.use and a key reading ctx.params', () => {
  const redis = useRedisServer();
  let locker: Locker;
  let served: Listening;
  const warnings: string[] = [];
  const errors: string[] = [];

  before(async () => {
    locker = createLocker(redis.server.client());
    const app = new Koa();
    const logger = {
      warn: (message: string) => void warnings.push(message),
      error: (message: string) => void errors.push(message),
    };
    // Without a router there is no ctx.params at all: reading `ctx.params.id` throws a TypeError.
    app.use(lockRequests({ locker, logger, key: (ctx) => `order:${ctx.params['id']}` }));
    app.use((ctx) => {
      ctx.body = 'unreachable';
    });
    const handle = app.callback();
    served = await listen(createServer((req, res) => void handle(req, res)));
  });

  after(async () => {
    await served.close();
    await locker.close();
  });

  it('answers 400 ERR_LOCK_KEY_UNMOUNTED telling to mount per route, warned once, no error log', async () => {
    const answers = [await get(served.url, '/orders/1'), await get(served.url, '/orders/2')];
    for (const answer of answers) {
      expect(answer.status).to.equal(400);
      const body = answer.json() as { code: string; detail: string };
      expect(body.code).to.equal('ERR_LOCK_KEY_UNMOUNTED');
      expect(body.detail).to.match(/Mount it on the route/);
    }
    expect(warnings).to.have.length(1);
    expect(errors).to.deep.equal([]);
  });
});
