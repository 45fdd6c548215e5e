import { expect } from 'chai';
import fc from 'fast-check';
import { brokenLocks, runChaos, type ChaosResult } from '@deadbolt/chaos';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import { replayCommand } from '../src/cli/replayCommand.js';
import { replayableScheduler } from '../src/schedule/replayableScheduler.js';
import { explain } from './support/explain.js';

/** The printed replay command's arguments, as a shell would split them (quoted values kept whole). */
function replayArgs(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '').slice(1);
}

/** What a replay must reproduce: the violations, the steps that ran and the order the scheduler delivered. */
function outcome(result: ChaosResult): string[] {
  return [
    ...result.violations.map((v) => `${v.label} ${v.invariant} ${v.message}`),
    `steps: ${result.counterexample?.commands.join(', ') ?? ''}`,
    `order: ${result.counterexample?.scheduler ?? ''}`,
  ];
}

/** The order in which `scheduler` delivers six tasks scheduled at once. */
async function deliveryOrder(scheduler: fc.Scheduler): Promise<string> {
  const order: number[] = [];
  for (let task = 0; task < 6; task++)
    void scheduler.schedule(Promise.resolve(task)).then((t) => order.push(t));
  await scheduler.waitAll();
  return order.join('');
}

describe('replay of a shrunk counterexample', function () {
  // Shrinking runs many schedules; this machine is shared.
  this.timeout(600_000);

  it('gives every run of one generated schedule the order its first run had under fc.scheduler()', async () => {
    for (const seed of [1, 2, 3]) {
      const [factory] = fc.sample(replayableScheduler(), { seed, numRuns: 1 });
      const [original] = fc.sample(fc.scheduler(), { seed, numRuns: 1 });
      const first = await deliveryOrder(original!);
      // fc.scheduler()'s clones (one per shrink candidate) share a random source: only the first saw this order.
      for (let run = 0; run < 3; run++)
        expect(await deliveryOrder(factory!()), `seed ${seed}`).to.equal(first);
    }
  });

  // Short schedules keep shrinking cheap; the seeds were not chosen, any fixture and seed must replay.
  const SEEDS = [1, 2];
  for (const [name, lock] of Object.entries(brokenLocks)) {
    it(`the printed replay command reproduces every violation of "${lock.name}", after other schedules in the same process`, async () => {
      let failures = 0;
      for (const seed of SEEDS) {
        const result = await runChaos({ lock, runs: 300, operations: 15, seed });
        if (result.verdict === 'pass') continue;
        failures += 1;
        const command = replayCommand(result, name) ?? '';
        const request = parseCliArgs(replayArgs(command));
        const replay = await runChaos(request.runs[0]?.options);
        expect(replay.statistics.schedules, command).to.equal(1);
        expect(outcome(replay), `${command}\n${explain(result)}`).to.deep.equal(outcome(result));
      }
      expect(failures, `"${lock.name}" failed for none of the seeds ${SEEDS.join(', ')}`).to.be.greaterThan(
        0,
      );
    });
  }
});
