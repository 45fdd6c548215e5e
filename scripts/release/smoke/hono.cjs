// @deadbolt/hono alone (with core, Hono and @hono/node-server): a locked route answers with the request's fence.
'use strict';
const { createServer } = require('node:http');
const { assertLockedRoute } = require('./support.cjs');

module.exports = async (context) => {
  const { getRequestListener } = await context.load('@hono/node-server');
  await assertLockedRoute(
    context,
    '@deadbolt/hono',
    'hono',
    ({ Hono }, lockRequests, locker) => {
      const app = new Hono();
      app.get('/orders/:id', lockRequests({ locker, key: (c) => `order:${c.req.param('id')}` }), (c) => {
        const lock = c.get('lock');
        return c.json({ fence: lock?.fence, held: lock?.signal.aborted === false });
      });
      return createServer(getRequestListener(app.fetch));
    },
    '/orders/44',
  );
};
