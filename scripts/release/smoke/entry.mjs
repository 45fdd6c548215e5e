// Runs one smoke check (`node smoke/entry.mjs <check>`) as an ES module app: packages load with import().
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const name = process.argv[2] ?? '';
const check = require(`./${name}.cjs`);
await check({
  format: 'esm',
  load: (specifier) => import(specifier),
  resolve: (specifier) => fileURLToPath(import.meta.resolve(specifier)),
  require,
  assert,
  redisUrl: process.env.REDIS_URL,
});
console.log(`smoke ok: ${name} (esm)`);
