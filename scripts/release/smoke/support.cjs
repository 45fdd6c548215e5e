// Shared by the smoke checks: which build a package resolved to, a framework's export in either format, and one
// request to a server on a free port.
'use strict';
const { once } = require('node:events');

/** Asserts that `name` resolves to its ESM build (dist/index.js) under import, its CommonJS build under require. */
function assertBuild({ format, resolve, assert }, name) {
  const file = resolve(name);
  const expected = format === 'esm' ? /[\\/]dist[\\/]index\.js$/ : /[\\/]dist[\\/]index\.cjs$/;
  assert.match(file, expected, `${name} resolved to ${file}`);
  assert.ok(
    file.includes(`${'node_modules'}`),
    `${name} is installed, not linked from the workspace: ${file}`,
  );
}

/**
 * The module's default export when imported from ESM, the module itself when required; a module without a
 * default export (Hono's named `Hono`) as it is.
 */
function defaultExport(module) {
  return typeof module === 'function' ? module : (module.default ?? module);
}

/** Listens on a free port, GETs `path`, closes, and returns the status and JSON body. */
async function getOnce(server, path) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}${path}`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.closeAllConnections?.();
    server.close();
  }
}

/**
 * Loads `middlewarePackage` and `framework` (plus core and ioredis), builds an HTTP server with `serve`
 * (`(framework, lockRequests, locker) => server`), GETs `path` from it once and asserts that the locked handler
 * answered 200 with its lock's fence.
 */
async function assertLockedRoute(context, middlewarePackage, framework, serve, path) {
  const { load, assert, redisUrl } = context;
  assertBuild(context, middlewarePackage);
  const { createLocker } = await load('@deadbolt/core');
  const { lockRequests } = await load(middlewarePackage);
  const { Redis } = await load('ioredis');
  const redis = new Redis(redisUrl);
  const locker = createLocker(redis, { ttl: 5_000 });
  try {
    const { status, body } = await getOnce(
      serve(defaultExport(await load(framework)), lockRequests, locker),
      path,
    );
    assert.equal(status, 200);
    assert.equal(typeof body.fence, 'number');
    assert.equal(body.held, true);
  } finally {
    await locker.close();
    redis.disconnect();
  }
}

/** While `locker` holds `key`, GETs `path` from a fresh `server()` and asserts the 409 problem+json busy answer. */
async function assertBusyAnswer({ assert }, server, locker, key, path) {
  const held = await locker.acquire(key);
  try {
    const busy = await getOnce(server(), path);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.code, 'ERR_LOCK_BUSY');
  } finally {
    await held.release();
  }
}

module.exports = { assertBuild, assertBusyAnswer, assertLockedRoute, defaultExport, getOnce };
