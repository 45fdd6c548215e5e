// @deadbolt/fastify alone (with core and Fastify): with the plugin registered, a route whose preHandler is the
// lock hook answers with the request's fence. Fastify's router serves a plain Node server (see getOnce).
'use strict';
const { createServer } = require('node:http');
const { assertLockedRoute } = require('./support.cjs');

module.exports = async (context) => {
  const { deadbolt } = await context.load('@deadbolt/fastify');
  await assertLockedRoute(
    context,
    '@deadbolt/fastify',
    'fastify',
    (fastify, lockRequests, locker) => {
      const app = fastify();
      app.register(deadbolt);
      const preHandler = lockRequests({ locker, key: (request) => `order:${request.params.id}` });
      app.get('/orders/:id', { preHandler }, async (request) => ({
        fence: request.lock?.fence,
        held: request.lock?.signal.aborted === false,
      }));
      const ready = app.ready();
      return createServer((req, res) => void ready.then(() => app.routing(req, res)));
    },
    '/orders/44',
  );
};
