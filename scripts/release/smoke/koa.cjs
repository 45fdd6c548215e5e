// @deadbolt/koa alone (with core and Koa): a locked middleware chain answers with the request's fence.
'use strict';
const { createServer } = require('node:http');
const { assertLockedRoute } = require('./support.cjs');

module.exports = (context) =>
  assertLockedRoute(
    context,
    '@deadbolt/koa',
    'koa',
    (Koa, lockRequests, locker) => {
      const app = new Koa();
      app.use(lockRequests({ locker, key: (ctx) => `path:${ctx.path}` }));
      app.use((ctx) => {
        ctx.body = { fence: ctx.state.lock?.fence, held: ctx.state.lock?.signal.aborted === false };
      });
      return createServer(app.callback());
    },
    '/orders/43',
  );
