// @deadbolt/chaos alone (installed as the README says: no other package named): runs schedules on deadbolt and
// on a broken lock, and its deadbolt-chaos command answers --help.
'use strict';
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');
const { assertBuild } = require('./support.cjs');

module.exports = async function chaosSmoke(context) {
  const { load, assert } = context;
  assertBuild(context, '@deadbolt/chaos');
  const { runChaos, brokenLocks } = await load('@deadbolt/chaos');
  // 20 schedules: fewer may grant nothing, and a run that never exercised a grant is 'inconclusive', not a pass
  const clean = await runChaos({ runs: 20, clients: 2, operations: 10, seed: 1 });
  assert.equal(clean.verdict, 'pass', clean.summary);
  assert.ok(clean.paths.counts.grant > 0, clean.summary);
  const broken = await runChaos({ lock: brokenLocks.naive, runs: 50, seed: 42 });
  assert.equal(broken.verdict, 'fail', broken.summary);
  const bin = join(process.cwd(), 'node_modules', '.bin', 'deadbolt-chaos');
  assert.match(execFileSync(bin, ['--help'], { encoding: 'utf8' }), /^Usage: deadbolt-chaos/);
};
