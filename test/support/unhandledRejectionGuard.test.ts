import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

// The suite-wide guard (test/support/unhandledRejectionGuard.ts, loaded by .mocharc.json), shown on fixture files run
// by a child mocha with the workspace's own .mocharc.json: what `pnpm test` does with a stray rejection.

const root = fileURLToPath(new URL('../..', import.meta.url));
const mocha = fileURLToPath(new URL('../../node_modules/mocha/bin/mocha.js', import.meta.url));

interface MochaRun {
  readonly code: number;
  /** The child's stdout and stderr, then how it ended: printed whole by every assertion that fails. */
  readonly output: string;
}

function withoutForcedColour(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FORCE_COLOR: _ignored, ...rest } = env;
  return { ...rest, NO_COLOR: '1' };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

function runFixture(name: string): Promise<MochaRun> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // plain text whatever the parent's terminal or FORCE_COLOR (CI sets colours, which split "✔ name" apart)
      [mocha, '--no-color', `test/support/fixtures/${name}.ts`],
      { cwd: root, timeout: 60_000, killSignal: 'SIGKILL', env: withoutForcedColour(process.env) },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 99) : 0;
        const ended = `\n[child mocha: exit ${code}, signal ${String(error?.signal ?? null)}, ${Date.now() - started} ms]`;
        resolve({ code, output: stripAnsi(stdout + stderr) + ended });
      },
    );
  });
}

describe('the unhandled-rejection guard', function () {
  this.timeout(120_000);

  it('the issue’s two-test file fails: the rejection after a synchronous test fails the next one, naming it', async () => {
    const run = await runFixture('rejectInSyncTest');
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output, run.output)
      .to.match(/1 passing/)
      .and.match(/1 failing/);
    expect(run.output, run.output).to.include(
      'second is innocent:\n     Error: Unhandled promise rejection after "fixture first leaves a rejection unhandled" had ended',
    );
    expect(run.output, run.output).to.include('x from the first test');
  });

  it('a rejection while a test awaits fails that test', async () => {
    const run = await runFixture('rejectInAsyncTest');
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output, run.output).to.include(
      'Unhandled promise rejection during "fixture leaves a rejection unhandled while it awaits": Error: x while running',
    );
    expect(run.output, run.output).to.include('✔ next test is innocent');
    // reported once: not a second time as "done() called multiple times" when the test's own promise settles
    expect(run.output, run.output)
      .to.match(/1 passing/)
      .and.match(/1 failing/);
    expect(run.output, run.output).to.not.include('multiple times');
  });

  it('a rejection after the last test fails the run', async () => {
    const run = await runFixture('rejectAfterLastTest');
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output, run.output).to.include(
      'after "fixture only test leaves a rejection unhandled" had ended',
    );
  });

  it('an uncaught exception fails the test during which it fires', async () => {
    const run = await runFixture('throwInTest');
    expect(run.code, run.output).to.not.equal(0);
    expect(run.output, run.output).to.include(
      'throws from a timer while it waits:\n     Uncaught Error: boom from a timer',
    );
  });

  it('a test that declares the rejections it expects passes, and so does a handled rejection', async () => {
    for (const name of ['tolerated', 'clean']) {
      const run = await runFixture(name);
      expect(run.code, `${name}: ${run.output}`).to.equal(0);
      expect(run.output, `${name}: ${run.output}`).to.include('2 passing');
    }
  });
});
