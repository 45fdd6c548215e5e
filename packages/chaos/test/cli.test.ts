import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { node, type Ran } from './support/spawn.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Spawns `deadbolt-chaos` from source, as `pnpm chaos` does. */
function cli(...args: string[]): Promise<Ran> {
  return node([CLI, ...args]);
}

describe('deadbolt-chaos CLI', function () {
  this.timeout(120_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deadbolt-chaos-cli-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('exits 0 with a clean one-line verdict, a progress bar and a report for deadbolt', async () => {
    const report = join(dir, 'pass.html');
    const run = await cli('--runs', '20', '--seed', '3', '--report', report);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    expect(run.stdout.split('\n')[0]).to.match(/^PASS deadbolt: 20 schedules on virtual time .* seed 3,/);
    expect(run.stderr).to.include('20/20 schedules');
    const html = await readFile(report, 'utf8');
    expect(html).to.include('<svg').and.include('PASS');
  });

  for (const shape of [[], ['--clients-per-process', '2']]) {
    it(`exits 1 on a broken lock, prints the counterexample, and its replay command fails the same way${shape.length ? ` (${shape.join(' ')})` : ''}`, async () => {
      const run = await cli('--lock', 'naive', '--runs', '100', '--seed', '42', ...shape, '--json');
      expect(run.code, run.stderr).to.equal(1);
      const result = JSON.parse(run.stdout) as {
        verdict: string;
        replayCommand: string;
        violations: { invariant: string; label: string }[];
        counterexample: { commands: string[] };
      };
      expect(result.verdict).to.equal('fail');
      expect(run.stderr)
        .to.match(/^FAIL naive lock/m)
        .and.include('Replay: deadbolt-chaos');
      for (const arg of shape) expect(result.replayCommand).to.include(arg);
      const args = [...result.replayCommand.matchAll(/"([^"]*)"|(\S+)/g)]
        .map((m) => m[1] ?? m[2] ?? '')
        .slice(1);
      const replay = await cli(...args, '--json');
      expect(replay.code, `replay: ${result.replayCommand}\n${replay.stderr}`).to.equal(1);
      const replayed = JSON.parse(replay.stdout) as typeof result;
      expect(replayed.violations.map((v) => v.invariant)).to.deep.equal(
        result.violations.map((v) => v.invariant),
      );
      expect(replayed.counterexample.commands).to.deep.equal(result.counterexample.commands);
    });
  }

  for (const args of [
    ['--runs', 'many'],
    ['--bogus'],
    ['--backend', 'etcd'],
    ['--faults', 'redisRestart'], // the mock runs redisStall, not a restart
    ['--path', '1:2'],
    ['--processes', 'threads'],
    ['--processes', 'child'], // child processes need the redis backend
    ['--clients', '3', '--clients-per-process', '4'],
    ['--clients-per-process', '0'],
    ['--backend', 'redis', '--processes', 'child', '--clients-per-process', '2'],
    ['--limit', '0'],
    ['--limit', 'three'],
    ['--shared-ratio', '1.5'],
    ['--shared-ratio', 'half'],
    ['--limit', '2', '--shared-ratio', '0.5'],
    ['--limit', '2', '--lock', 'naive'], // a lock without counted modes
  ]) {
    it(`exits 2 on a usage error: ${args.join(' ')}`, async () => {
      const run = await cli(...args);
      expect(run.code, run.stderr).to.equal(2);
      expect(run.stderr).to.match(/^deadbolt-chaos: /);
      expect(run.stdout).to.equal('');
    });
  }

  it('prints the usage with --help and exits 0', async () => {
    const run = await cli('--help');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include(
      'Exit codes: 0 clean, 1 violation found, 2 usage error, 3 inconclusive (a required path never ran).',
    );
  });
});
