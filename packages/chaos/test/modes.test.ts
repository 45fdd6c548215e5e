import { expect } from 'chai';
import {
  ALL_FAULTS,
  brokenCountedLocks,
  brokenLocks,
  runChaos,
  simpleLockAdapter,
  type ChaosOptions,
  type LockAdapter,
} from '@deadbolt/chaos';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import { replayCommand } from '../src/cli/replayCommand.js';
import { explain } from './support/explain.js';

// Issue 21, chaos harness: deadbolt's semaphore (`limit`) and read-write lock (`sharedRatio`) under the harness,
// and the broken counted-modes fixtures caught with shrunk counterexamples. CI runs a few hundred mock schedules
// per mode; the 2 000-schedule runs are CLI runs (packages/chaos/README.md, "Semaphores and read-write locks").
// A failure prints the summary (with seed and path) and the counterexample.

describe('counted modes: semaphores and read-write locks', function () {
  this.timeout(600_000);

  const modes: [string, ChaosOptions][] = [
    ['semaphore (limit 3)', { limit: 3 }],
    ['read-write lock (shared ratio 0.5)', { sharedRatio: 0.5 }],
  ];
  for (const [name, options] of modes) {
    it(`deadbolt's ${name} passes on virtual time with every fault within its bounds`, async () => {
      const result = await runChaos({ ...options, runs: 120, seed: 21, faults: ALL_FAULTS });
      expect(result.verdict, explain(result)).to.equal('pass');
      expect(result.statistics.schedules).to.equal(120);
      expect(result.statistics.grants, 'grants').to.be.greaterThan(120);
      // The mode reached the lock: in the busiest schedule, two clients held the key together at some point.
      const together = result.history.some((e) => e.type === 'probe' && e.believers.length >= 2);
      expect(together, 'two holders at once').to.equal(true);
    });
  }

  const fixtures: [string, LockAdapter, ChaosOptions, string][] = [
    ['leakySemaphore', brokenCountedLocks.leakySemaphore, { limit: 2, faults: ['crash'] }, 'L1'],
    ['readersStarveWriter', brokenCountedLocks.readersStarveWriter, { sharedRatio: 0.5, faults: [] }, 'L6'],
  ];
  for (const [name, lock, options, invariant] of fixtures) {
    it(`catches "${lock.name}" (${invariant}) with a shrunk, replayable counterexample`, async () => {
      const shape = { ...options, lock, clients: 3, operations: 20, runs: 300 };
      const result = await runChaos({ ...shape, seed: 42 });
      expect(result.verdict, name).to.equal('fail');
      expect(
        result.violations.map((v) => v.invariant),
        explain(result),
      ).to.include(invariant);
      const ce = result.counterexample!;
      expect(ce.commands.length, explain(result)).to.be.within(1, 8);
      const replay = await runChaos({
        ...shape,
        seed: ce.seed,
        path: ce.path,
        replayPath: ce.replayPath,
        shrink: false,
      });
      expect(replay.verdict, explain(replay)).to.equal('fail');
      // The printed replay command carries the mode: it parses back to the same limit and shared ratio.
      const command = replayCommand(result, name) ?? '';
      const parsed = parseCliArgs(
        command
          .split(' ')
          .slice(1)
          .map((a) => a.replace(/^"|"$/g, '')),
      );
      expect(parsed.runs[0]?.options.limit ?? 1, command).to.equal(options.limit ?? 1);
      expect(parsed.runs[0]?.options.sharedRatio ?? 0, command).to.equal(options.sharedRatio ?? 0);
      expect(replay.violations.map((v) => v.invariant)).to.deep.equal(
        result.violations.map((v) => v.invariant),
      );
    });
  }

  it('draws exactly the same schedules with the defaults spelled out (recorded seeds replay unchanged)', async () => {
    const shape = { lock: brokenLocks.naive, runs: 300, seed: 42 };
    const plain = await runChaos(shape);
    const spelled = await runChaos({ ...shape, limit: 1, sharedRatio: 0 });
    expect(plain.verdict).to.equal('fail');
    expect(spelled.counterexample?.path).to.equal(plain.counterexample?.path);
    expect(spelled.counterexample?.commands).to.deep.equal(plain.counterexample?.commands);
  });

  it('refuses a limit or shared ratio it cannot run, with a clear error', async () => {
    const refused: [ChaosOptions, RegExp][] = [
      [{ limit: 0 }, /"limit" must be an integer >= 1, got 0/],
      [{ limit: 1.5 }, /"limit" must be an integer >= 1/],
      [{ sharedRatio: 1.5 }, /"sharedRatio" must be a number from 0 to 1/],
      [{ sharedRatio: Number.NaN }, /"sharedRatio" must be a number from 0 to 1/],
      [{ limit: 2, sharedRatio: 0.5 }, /cannot be combined/],
      [{ limit: 2, lock: simpleLockAdapter('plain') }, /has no counted modes/],
      [{ sharedRatio: 0.5, backend: 'redis', topology: 'quorum3' }, /quorum locks are exclusive only/],
      [{ limit: 2, backend: 'redis', topology: 'cluster', faults: ['multiSlot'] }, /across Cluster slots/],
    ];
    for (const [options, message] of refused) {
      const error = await runChaos({ ...options, runs: 1 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(options)).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.match(message);
    }
  });
});
