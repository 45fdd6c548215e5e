import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { MUTANTS } from '../scripts/mutation/mutants.js';
import { renderReport, type MeasuredRun } from '../scripts/mutation/report.js';
import { runMutant } from '../scripts/mutation/runMutant.js';

/** Schedules per battery run in this sample (the full `pnpm mutation` runs 100 to 150 each). */
const SCHEDULES = 40;

/**
 * A fixed sample of `pnpm mutation` (docs/mutation.md): each mutant of @deadbolt/core, the battery run that kills
 * it within the first schedules, and the invariant that catches it. If the harness loses one of these, the score
 * has dropped.
 */
const SAMPLE = [
  { id: 'acquire-owner-check', run: 'defaults', invariant: 'S1' },
  { id: 'fence-equal-allowed', run: 'defaults', invariant: 'S4' },
  { id: 'release-hand-over-lease-long', run: 'defaults', invariant: 'S10' },
  { id: 'renew-after-validity', run: 'defaults', invariant: 'S11' },
  { id: 'acquire-fast-path-ignores-queue', run: 'defaults', invariant: 'L6' },
  { id: 'fence-restart-low', run: 'idleGap', invariant: 'S4' },
  { id: 'extend-many-no-owner-check', run: 'sideLock', invariant: 'S5' },
] as const;

describe('mutation sample: the harness kills mutants of the core (pnpm mutation)', function () {
  this.timeout(120_000);

  it('docs/mutation.md states the score that `pnpm mutation --report` renders from docs/mutation.json', () => {
    const read = (name: string) => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');
    const rendered = renderReport(JSON.parse(read('mutation.json')) as MeasuredRun);
    const score = /\*\*Harness alone: .*?\*\*/.exec(rendered)?.[0];
    expect(score, 'the score line of the rendered report').to.be.a('string');
    expect(read('mutation.md')).to.include(score);
  });

  it(`the unmutated lock passes the sample's runs (${SCHEDULES} schedules each)`, async () => {
    const outcome = await runMutant(undefined, ['defaults', 'idleGap', 'sideLock'], { schedules: SCHEDULES });
    expect(outcome, JSON.stringify(outcome)).to.include({ killedBy: null, verdict: 'pass' });
  });

  for (const { id, run, invariant } of SAMPLE) {
    it(`kills ${id} (${run} run, ${invariant})`, async () => {
      const mutant = MUTANTS.find((m) => m.id === id);
      expect(mutant, id).to.not.equal(undefined);
      const outcome = await runMutant(mutant, [run], { schedules: SCHEDULES });
      const summary = 'summary' in outcome ? outcome.summary : '';
      expect(outcome.killedBy, JSON.stringify(outcome)).to.equal(run);
      expect(summary).to.match(new RegExp(`^FAIL deadbolt on virtual time: ${invariant} `));
    });
  }
});
