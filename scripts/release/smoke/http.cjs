// @deadbolt/http alone (with core): the README's plain node:http adapter locks a request and answers with its fence;
// the same path while held answers 409 problem+json.
'use strict';
const { createServer } = require('node:http');
const { assertBuild, assertBusyAnswer, getOnce } = require('./support.cjs');

module.exports = async function http(context) {
  const { load, assert, redisUrl } = context;
  assertBuild(context, '@deadbolt/http');
  const { createLocker } = await load('@deadbolt/core');
  const { RequestLocker, writeProblem } = await load('@deadbolt/http');
  const { Redis } = await load('ioredis');
  const redis = new Redis(redisUrl);
  const locker = createLocker(redis, { ttl: 5_000 });
  const requests = new RequestLocker({ locker, key: (req) => `path:${req.url}`, wait: 0 }, 'smoke');
  const server = () =>
    createServer((req, res) => {
      const session = requests.open('response');
      res.once('close', () => session.responseDone());
      session.acquire(req, { url: req.url }).then((outcome) => {
        if (outcome.type === 'proceed') res.end(JSON.stringify({ fence: outcome.lock?.fence }));
        else if (outcome.type === 'busy') writeProblem(res, outcome.info.reply);
        else if (outcome.type === 'reply') writeProblem(res, outcome.reply);
      });
    });
  try {
    const { status, body } = await getOnce(server(), '/orders/46');
    assert.equal(status, 200);
    assert.equal(typeof body.fence, 'number');
    await assertBusyAnswer(context, server, locker, 'path:/orders/47', '/orders/47');
  } finally {
    await locker.close();
    redis.disconnect();
  }
};
