import Mocha from 'mocha';

/**
 * Suite-wide guard, loaded by `.mocharc.json` (`require`) for every mocha run in the workspace: a promise rejection
 * that nobody handles fails the test (or hook) that was running when it surfaced.
 *
 * Mocha listens for `unhandledRejection` itself and, for errors that are not its own, only re-emits the event on
 * `process`, so without this guard a stray rejection passes silently (2 passing, exit 0). The guard answers the
 * re-emitted event:
 * - while a test or hook is running, it fails that runnable (through mocha's own uncaught-error path);
 * - after the runnable has ended (a rejection surfaces one tick late, e.g. from a synchronous test), it fails the
 *   next hook or test to start, with a message naming the runnable it surfaced after;
 * - when nothing else runs (after the last runnable), the run gets one failure of its own.
 * Uncaught exceptions already fail the current runnable through mocha's own listener. Shown by
 * test/support/unhandledRejectionGuard.test.ts, which runs fixtures in a child mocha.
 *
 * A test that expects a third-party library to leave rejections unhandled says so with
 * {@link tolerateUnhandledRejections}.
 */

/** What a test that expects unhandled rejections receives: the reasons, in order, until it calls `stop()`. */
export interface ToleratedRejections {
  readonly reasons: unknown[];
  stop(): void;
}

const tolerating = new Set<unknown[]>();

/**
 * Collects unhandled rejections instead of failing the running test, until `stop()`.
 *
 * @example
 * ```ts
 * const unhandled = tolerateUnhandledRejections();
 * after(() => unhandled.stop());
 * it('lets "Unable to fully release" go unhandled', async () => {
 *   await runChaos(options);
 *   expect(unhandled.reasons).to.not.be.empty;
 * });
 * ```
 */
export function tolerateUnhandledRejections(): ToleratedRejections {
  const reasons: unknown[] = [];
  tolerating.add(reasons);
  return { reasons, stop: () => tolerating.delete(reasons) };
}

/** The failure the guard reports: the reason's own stack follows the message. */
export class UnhandledRejectionInTest extends Error {
  constructor(where: string, reason: unknown) {
    const detail = reason instanceof Error ? (reason.stack ?? String(reason)) : String(reason);
    super(`Unhandled promise rejection ${where}: ${detail}`);
    this.name = 'UnhandledRejectionInTest';
    this.stack = `${this.name}: ${this.message}`;
  }
}

type Runner = Mocha.Runner;
/** `Runner#fail` is public in mocha, protected in its types. */
type Failing = { fail(runnable: Mocha.Runnable, error: Error): void };
let runner: Runner | undefined;
let hookRunning: Mocha.Runnable | undefined;
const surfacedLate: UnhandledRejectionInTest[] = [];
const seen = new WeakSet<Promise<unknown>>();
/** The promise-returning runnable that is running, and how to fail it. */
let failRunning: { runnable: Mocha.Runnable; fail(error: Error): void } | undefined;

function isRunning(runnable: Mocha.Runnable): boolean {
  if (runnable instanceof Mocha.Hook) return hookRunning === runnable;
  return runnable.state === undefined && !runnable.isPending();
}

function onUnhandledRejection(reason: unknown, promise: Promise<unknown>): void {
  if (seen.has(promise)) return; // mocha re-emits the event it received: answer it once
  seen.add(promise);
  if (tolerating.size > 0) {
    for (const reasons of tolerating) reasons.push(reason);
    return;
  }
  const current = runner?.currentRunnable;
  if (current && failRunning?.runnable === current && isRunning(current)) {
    failRunning.fail(new UnhandledRejectionInTest(`during "${current.fullTitle()}"`, reason));
    return;
  }
  if (runner && current && isRunning(current)) {
    runner.uncaught(new UnhandledRejectionInTest(`during "${current.fullTitle()}"`, reason));
    return;
  }
  const after = current
    ? `after "${current.fullTitle()}" had ended (it came from there)`
    : 'before any test ran';
  surfacedLate.push(new UnhandledRejectionInTest(after, reason));
}

/** One error for the rejections that surfaced between runnables (and forgets them). */
function takeSurfacedLate(): Error {
  return new Error(
    surfacedLate
      .splice(0)
      .map((error) => error.message)
      .join('\n\n'),
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * Wraps the runnable for its one run: it fails at once with the rejections that surfaced since the last runnable
 * ended; and when it returns a promise, mocha gets one that also rejects when a rejection surfaces while it runs.
 * (Failing a promise-returning test through `runner.uncaught` instead makes mocha report it twice, the second time as
 * "done() called multiple times" when the test's own promise settles, and, on a loaded machine, that second report
 * can land on the next test.)
 */
function guardRun(runnable: Mocha.Runnable): void {
  const original = runnable.fn;
  if (!original) return;
  runnable.fn = function (this: Mocha.Context, ...args: unknown[]) {
    runnable.fn = original;
    if (surfacedLate.length > 0) throw takeSurfacedLate();
    const result = (original as (...a: unknown[]) => unknown).apply(this, args);
    if (!isThenable(result)) return result;
    return new Promise((resolve, reject) => {
      const failer = { runnable, fail: reject };
      failRunning = failer;
      result.then(resolve, reject);
    }).finally(() => {
      if (failRunning?.runnable === runnable) failRunning = undefined;
    });
  } as Mocha.Func;
}

function watch(watched: Runner): void {
  runner = watched;
  const { EVENT_HOOK_BEGIN, EVENT_HOOK_END, EVENT_TEST_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;
  watched.on(EVENT_HOOK_BEGIN, (hook: Mocha.Hook) => {
    hookRunning = hook;
    guardRun(hook);
  });
  watched.on(EVENT_HOOK_END, () => (hookRunning = undefined));
  watched.on(EVENT_TEST_BEGIN, (test: Mocha.Test) => {
    guardRun(test);
  });
  watched.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
    if (!suite.root || surfacedLate.length === 0) return;
    const phony = new Mocha.Runnable('unhandled rejection after the last test');
    phony.parent = suite;
    (watched as unknown as Failing).fail(phony, takeSurfacedLate());
  });
}

const { run } = Mocha.Runner.prototype as {
  run: (this: Runner, ...args: Parameters<Mocha.Runner['run']>) => Runner;
};
Mocha.Runner.prototype.run = function (this: Runner, ...args: Parameters<Mocha.Runner['run']>) {
  watch(this);
  return run.apply(this, args);
};
process.on('unhandledRejection', onUnhandledRejection);
