// @deadbolt/testing alone: starts a redis-server of its own, pings it, stops it.
'use strict';
const { assertBuild } = require('./support.cjs');

module.exports = async function testingSmoke(context) {
  const { load, assert } = context;
  assertBuild(context, '@deadbolt/testing');
  const { RedisServer } = await load('@deadbolt/testing');
  const server = await RedisServer.start();
  try {
    assert.notEqual(server.port, 6379);
    assert.equal(await server.client().ping(), 'PONG');
  } finally {
    await server.stop();
  }
};
