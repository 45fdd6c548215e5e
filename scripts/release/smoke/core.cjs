// @deadbolt/core alone: takes, refuses and releases a lock on a real Redis.
'use strict';
const { assertBuild } = require('./support.cjs');

module.exports = async function core(context) {
  const { load, assert, redisUrl, format } = context;
  assertBuild(context, '@deadbolt/core');
  const { createLocker, LockBusyError, LockError } = await load('@deadbolt/core');
  const { Redis } = await load('ioredis');
  const redis = new Redis(redisUrl);
  const locker = createLocker(redis, { ttl: 5_000, wait: 0 });
  const key = `smoke:core:${format}`;
  const lock = await locker.acquire(key);
  assert.equal(typeof lock.fence, 'number');
  await assert.rejects(locker.acquire(key), (error) => {
    assert.ok(error instanceof LockBusyError && error instanceof LockError);
    assert.equal(error.code, 'ERR_LOCK_BUSY');
    return true;
  });
  assert.equal(await lock.release(), true);
  await locker.close();
  redis.disconnect();
};
