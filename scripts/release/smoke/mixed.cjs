// One program that loads packages in both formats (run from the ES module entry): the lock from @deadbolt/core's
// ESM build serves @deadbolt/express's CommonJS build (which itself loads core's CommonJS build), and a busy error
// thrown by the ESM build is classified by the CommonJS build (409, not 500): the request layer checks a Symbol.for brand.
'use strict';
const { createServer } = require('node:http');
const { assertBusyAnswer, defaultExport, getOnce } = require('./support.cjs');

module.exports = async function mixedSmoke(context) {
  const { load, require, resolve, assert, redisUrl } = context;
  assert.match(resolve('@deadbolt/core'), /[\\/]dist[\\/]index\.js$/);
  assert.match(require.resolve('@deadbolt/express'), /[\\/]dist[\\/]index\.cjs$/);
  const { createLocker } = await load('@deadbolt/core');
  const { lockRequests } = require('@deadbolt/express');
  const express = defaultExport(await load('express'));
  const { Redis } = await load('ioredis');
  const redis = new Redis(redisUrl);
  const locker = createLocker(redis, { ttl: 5_000 });
  try {
    const app = express();
    app.get(
      '/orders/:id',
      lockRequests({ locker, key: (req) => `order:${req.params.id}`, wait: 0 }),
      (req, res) => {
        res.json({ fence: req.lock?.fence });
      },
    );
    const { status, body } = await getOnce(createServer(app), '/orders/44');
    assert.equal(status, 200);
    assert.equal(typeof body.fence, 'number');
    await assertBusyAnswer(context, () => createServer(app), locker, 'order:45', '/orders/45');
  } finally {
    await locker.close();
    redis.disconnect();
  }
};
