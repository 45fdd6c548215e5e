// ESM consumer: import every public package from its packed tarball, check that the ESM build was picked, and
// serve a locked route with Express, Koa and Hono against a real redis-server; run one chaos schedule.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createLocker } from '@deadbolt/core';
import { lockRequests as expressLockRequests } from '@deadbolt/express';
import { lockRequests as koaLockRequests } from '@deadbolt/koa';
import { lockRequests as honoLockRequests } from '@deadbolt/hono';
import { RedisServer } from '@deadbolt/testing';
import { runChaos } from '@deadbolt/chaos';
import express from 'express';
import Koa from 'koa';
import { Hono } from 'hono';

for (const name of [
  '@deadbolt/core',
  '@deadbolt/express',
  '@deadbolt/koa',
  '@deadbolt/fastify',
  '@deadbolt/hono',
  '@deadbolt/testing',
  '@deadbolt/chaos',
]) {
  const file = fileURLToPath(import.meta.resolve(name));
  assert.match(file, /[\\/]node_modules[\\/]@deadbolt[\\/]\w+[\\/]dist[\\/]index\.js$/, name);
}

/** Listens on a free port, GETs `path` once, closes, and returns the status and JSON body. */
async function getOnce(listener, path) {
  const http = listener.listen(0, '127.0.0.1');
  await once(http, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${http.address().port}${path}`);
    return { status: response.status, body: await response.json() };
  } finally {
    http.close();
  }
}

const server = await RedisServer.start();
try {
  const locker = createLocker(server.client(), { ttl: 5_000 });

  const app = express();
  app.get(
    '/orders/:id',
    expressLockRequests({ locker, key: (req) => `order:${req.params.id}` }),
    (req, res) => {
      res.json({ fence: req.lock?.fence, held: req.lock?.signal.aborted === false });
    },
  );
  const viaExpress = await getOnce(app, '/orders/42');
  assert.equal(viaExpress.status, 200);
  assert.equal(typeof viaExpress.body.fence, 'number');
  assert.equal(viaExpress.body.held, true);

  const koa = new Koa();
  koa.use(koaLockRequests({ locker, key: (ctx) => `path:${ctx.path}` }));
  koa.use((ctx) => {
    ctx.body = { fence: ctx.state.lock?.fence, held: ctx.state.lock?.signal.aborted === false };
  });
  const viaKoa = await getOnce(koa.callback() && koa, '/orders/43');
  assert.equal(viaKoa.status, 200);
  assert.equal(typeof viaKoa.body.fence, 'number');
  assert.equal(viaKoa.body.held, true);

  const hono = new Hono();
  hono.get('/orders/:id', honoLockRequests({ locker, key: (c) => `order:${c.req.param('id')}` }), (c) =>
    c.json({ fence: c.get('lock')?.fence, held: c.get('lock')?.signal.aborted === false }),
  );
  const viaHono = await hono.request('/orders/44'); // Hono's own fetch, no server needed
  assert.equal(viaHono.status, 200);
  const honoBody = await viaHono.json();
  assert.equal(typeof honoBody.fence, 'number');
  assert.equal(honoBody.held, true);

  await locker.close();
} finally {
  await server.stop();
}

// 20 schedules: fewer may grant nothing, and a run that never exercised a grant is 'inconclusive', not a pass
const result = await runChaos({ runs: 20, seed: 1, clients: 2, operations: 10 });
assert.equal(result.verdict, 'pass', result.summary); // deadbolt on the mock backend, seed 1: a pass
assert.ok(result.paths.counts.grant > 0, result.summary);
assert.equal(typeof result.summary, 'string');

console.log('import ok');
