// CommonJS consumer: require() every public package from its packed tarball, check that the CommonJS build
// was picked, and take a lock on a real redis-server that @deadbolt/testing starts.
'use strict';
const assert = require('node:assert/strict');
const { createLocker, LockBusyError, LockError } = require('@deadbolt/core');
const express = require('@deadbolt/express');
const koa = require('@deadbolt/koa');
const fastify = require('@deadbolt/fastify');
const hono = require('@deadbolt/hono');
const { RedisServer } = require('@deadbolt/testing');
const chaos = require('@deadbolt/chaos');

async function main() {
  for (const name of [
    '@deadbolt/core',
    '@deadbolt/express',
    '@deadbolt/koa',
    '@deadbolt/fastify',
    '@deadbolt/hono',
    '@deadbolt/testing',
    '@deadbolt/chaos',
  ]) {
    assert.match(
      require.resolve(name),
      /[\\/]node_modules[\\/]@deadbolt[\\/]\w+[\\/]dist[\\/]index\.cjs$/,
      name,
    );
  }
  assert.equal(typeof express.lockRequests, 'function');
  assert.equal(typeof koa.lockRequests, 'function');
  assert.equal(typeof fastify.lockRequests, 'function');
  assert.equal(typeof fastify.deadbolt, 'function');
  assert.equal(typeof hono.lockRequests, 'function');
  assert.equal(typeof chaos.runChaos, 'function');
  assert.equal(typeof chaos.deadboltAdapter, 'function');

  const server = await RedisServer.start();
  try {
    const locker = createLocker(server.client(), { ttl: 5_000, wait: 0 });
    const lock = await locker.acquire('order:42');
    assert.equal(typeof lock.fence, 'number');
    await assert.rejects(locker.acquire('order:42'), (error) => {
      assert.ok(error instanceof LockBusyError && error instanceof LockError);
      assert.equal(error.code, 'ERR_LOCK_BUSY');
      return true;
    });
    assert.equal(await lock.release(), true);
    await locker.close();
  } finally {
    await server.stop();
  }
  console.log('require ok');
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
