// Runs one smoke check (`node smoke/entry.cjs <check>`) as a CommonJS app: packages load with require().
'use strict';
const assert = require('node:assert/strict');

const name = process.argv[2] ?? '';
const check = require(`./${name}.cjs`);
check({
  format: 'cjs',
  load: async (specifier) => require(specifier),
  resolve: (specifier) => require.resolve(specifier),
  require,
  assert,
  redisUrl: process.env.REDIS_URL,
}).then(
  () => console.log(`smoke ok: ${name} (cjs)`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
