import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { validateXML } from 'xmllint-wasm';
import {
  LockViolationError,
  assertLockCorrect,
  brokenLocks,
  renderJUnit,
  runChaos,
  simpleLockAdapter,
  ChaosAdapterError,
} from '@deadbolt/chaos';
import { ProgressBar } from '../src/cli/ProgressBar.js';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import { node } from './support/spawn.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const CLI = here('../src/cli.ts');
const cli = (...args: string[]) => node([CLI, ...args]);

/** Validates `xml` against the JUnit schema of test/support/junit.xsd with libxml2 (xmllint, as WebAssembly). */
async function validJUnit(xml: string): Promise<void> {
  const schema = await readFile(here('./support/junit.xsd'), 'utf8');
  const result = await validateXML({ xml: [{ fileName: 'chaos.xml', contents: xml }], schema: [schema] });
  expect(
    result.errors.map((e) => e.rawMessage),
    xml,
  ).to.deep.equal([]);
  expect(result.valid).to.equal(true);
}

/** The arguments of a printed command line (double quotes group). */
const argsOf = (command: string): string[] =>
  [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').slice(1);

describe('CI-native output (issue 18)', function () {
  this.timeout(300_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deadbolt-chaos-ci-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('renderJUnit: a pass, a failure and an error are valid JUnit XML', async () => {
    const pass = await runChaos({ lock: simpleLockAdapter('correct'), runs: 5, seed: 1 });
    const fail = await runChaos({ lock: brokenLocks.naive, runs: 100, seed: 42 });
    const xml = renderJUnit([
      { lock: 'correct', where: 'mock', result: pass },
      { lock: 'naive', where: 'mock', result: fail, replayCommand: 'deadbolt-chaos --lock naive --seed=-5' },
      {
        lock: 'mine',
        where: 'mock',
        error: new ChaosAdapterError('lock adapter "mine": connect() threw <&>'),
      },
    ]);
    await validJUnit(xml);
    expect(xml).to.include('tests="3" failures="1" errors="1"');
    expect(xml).to.include('Replay: deadbolt-chaos --lock naive --seed=-5');
    expect(xml).to.include('connect() threw &lt;&amp;&gt;');
  });

  it('--junit: one test case per lock × topology, the violation and the replay command in the failure, an ::error annotation and a closing count', async () => {
    const file = join(dir, 'chaos.xml');
    const run = await node(
      [CLI, '--lock', 'correct,naive', '--runs', '20', '--seed', '42', '--junit', file],
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_STEP_SUMMARY: join(dir, 'summary.md'),
      },
    );
    expect(run.code, run.stderr + run.stdout).to.equal(1);
    const xml = await readFile(file, 'utf8');
    await validJUnit(xml);
    expect([...xml.matchAll(/<testcase /g)].length).to.equal(2);
    expect(xml).to.match(/<testcase name="naive on mock"[^>]*>\s*<failure message="S\d/);
    expect(xml).to.include('Replay: deadbolt-chaos').and.include('--seed=42');
    expect(run.stdout).to.match(
      /^::error title=deadbolt-chaos%3A naive on mock::S\d .*%0AReplay: deadbolt-chaos /m,
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).to.equal('deadbolt-chaos: 1 passed, 1 failed');
    expect(await readFile(join(dir, 'summary.md'), 'utf8')).to.include('| naive on mock | **FAIL** |');
  });

  it('prints replay commands that parse for a negative seed, and the replay fails the same way', async () => {
    const run = await cli('--lock', 'naive', '--runs', '100', '--seed=-200346941', '--json');
    expect(run.code, run.stderr).to.equal(1);
    const result = JSON.parse(run.stdout) as {
      replayCommand: string;
      violations: { message: string }[];
      counterexample: { ttl: number };
    };
    expect(result.replayCommand).to.include('--seed=-200346941').and.include('--runs 1');
    const replay = await cli(...argsOf(result.replayCommand), '--json');
    expect(replay.code, `${result.replayCommand}\n${replay.stderr}`).to.equal(1);
    const replayed = JSON.parse(replay.stdout) as typeof result;
    expect(replayed.violations.map((v) => v.message)).to.deep.equal(result.violations.map((v) => v.message));
    expect(replayed.counterexample.ttl).to.equal(result.counterexample.ttl);
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(here('../package.json'), 'utf8')) as { version: string };
    const run = await cli('--version');
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(`${pkg.version}\n`);
  });

  for (const [args, message] of [
    [['--bogus'], 'deadbolt-chaos: unknown option --bogus (see --help)'],
    [['--seed', '-5'], 'deadbolt-chaos: --seed needs a value; write a negative one as --seed=-42'],
    [['stray'], 'deadbolt-chaos: unexpected argument "stray": every option starts with --'],
    [['--ttl', '900..300'], 'deadbolt-chaos: --ttl range must have MIN <= MAX, got "900..300"'],
  ] as const) {
    it(`says what is wrong with ${args.join(' ')}, in its own words`, async () => {
      const run = await cli(...args);
      expect(run.code).to.equal(2);
      expect(run.stderr.split('\n')[0]).to.equal(message);
      expect(run.stderr).to.not.include('positional');
    });
  }

  it('the progress bar shows elapsed time and an ETA; a failing run says schedules and shrink runs apart', async () => {
    const lines: string[] = [];
    const bar = new ProgressBar({ write: (s: string) => lines.push(s) } as unknown as NodeJS.WritableStream);
    bar.update({ done: 10, runs: 100, shrinking: false, shrinkRuns: 0, elapsedMs: 10_000 });
    expect(lines[0]).to.include('10/100 schedules, 10 s elapsed, ETA 1 min 30 s');
    const result = await runChaos({ lock: brokenLocks.naive, runs: 100, seed: 42 });
    const { schedules, shrinkRuns } = result.statistics;
    expect(schedules).to.be.within(1, 100);
    expect(shrinkRuns).to.be.greaterThan(0);
    expect(result.summary).to.include(`(schedule ${schedules} of 100 + ${shrinkRuns} shrink runs, ttl `);
  });

  it('assertLockCorrect throws a message that replays the failure, from the options or the CLI', async () => {
    const error = await assertLockCorrect(brokenLocks.naive, { runs: 100, seed: 42 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(LockViolationError);
    const e = error as LockViolationError;
    expect(e.message).to.match(/^naive lock broke S\d \(/);
    expect(e.message).to.include(`replay: add { seed: 42, path: '${e.replay.path}'`);
    expect(e.message).to.include('or run: deadbolt-chaos --backend mock --lock naive');
    const replay = await runChaos({ lock: brokenLocks.naive, ...e.replay });
    expect(replay.violations.map((v) => v.message)).to.deep.equal(e.result.violations.map((v) => v.message));
  });

  describe('the README recipes for CI', () => {
    const readme = () => readFile(here('../README.md'), 'utf8');
    const recipe = (name: string) => readFile(here(`./recipes/${name}`), 'utf8');

    for (const name of ['lock.chaos.ts', 'chaos-ci.ts', 'lock.node-test.ts']) {
      it(`shows ${name} verbatim`, async () => {
        expect(await readme()).to.include(await recipe(name));
      });
    }

    it('mocha: the recipe passes', async () => {
      const run = await node(
        [here('../../../node_modules/mocha/bin/mocha.js'), here('./recipes/lock.chaos.ts')],
        {
          CHAOS_RUNS: '10',
        },
      );
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.include('1 passing');
    });

    it('node:test: the recipe passes', async () => {
      const run = await node(['--test', here('./recipes/lock.node-test.ts')], { CHAOS_RUNS: '10' });
      expect(run.code, run.stdout + run.stderr).to.equal(0);
      expect(run.stdout).to.match(/# pass 1/);
    });

    it('plain node: the recipe writes valid JUnit XML and exits 0', async () => {
      const file = join(dir, 'recipe.xml');
      const run = await node([here('./recipes/chaos-ci.ts')], { CHAOS_RUNS: '10', CHAOS_JUNIT: file });
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stdout).to.match(/^PASS deadbolt: 10 schedules/);
      await validJUnit(await readFile(file, 'utf8'));
    });

    it('the workflow step’s command line parses', async () => {
      const commands = [...(await readme()).matchAll(/^\s*- run: npx (deadbolt-chaos .*)$/gm)].map(
        (m) => m[1] ?? '',
      );
      expect(commands.length).to.be.greaterThan(0);
      for (const command of commands) expect(() => parseCliArgs(argsOf(command))).to.not.throw();
    });
  });
});
