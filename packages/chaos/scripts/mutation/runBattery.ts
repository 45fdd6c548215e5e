// Child process of `pnpm mutation`: runs the battery (or the runs named in argv) against @deadbolt/core as loaded
// (with a mutant applied when register.mjs was given one), stops at the first run that is not a clean pass, and
// prints one JSON line: { killedBy, verdict, summary, schedules, ms } (killedBy null: every run passed).
// Usage: node --import ./register.mjs --import tsx --conditions=source runBattery.ts [runName...] [--schedules N]
// (--schedules caps every run's schedules, for a quick sample).
import { runChaos } from '@deadbolt/chaos';
import { BATTERY, CLOCK_STEP_RUNS } from './battery.js';

/** What a child reports back. */
export interface BatteryOutcome {
  /** The run that did not pass, or null. */
  readonly killedBy: string | null;
  readonly verdict: 'pass' | 'fail' | 'inconclusive' | 'threw';
  readonly summary: string;
  /** Schedules run in all (shrinking is off). */
  readonly schedules: number;
  readonly ms: number;
}

const args = process.argv.slice(2);
const capAt = args.indexOf('--schedules');
const cap = capAt < 0 ? undefined : Number(args[capAt + 1]);
const names = capAt < 0 ? args : args.filter((_, i) => i !== capAt && i !== capAt + 1);
// The clock-step runs (real backend) run only when named.
const runs =
  names.length === 0 ? BATTERY : [...BATTERY, ...CLOCK_STEP_RUNS].filter((r) => names.includes(r.name));
const started = Date.now();
let schedules = 0;
let outcome: BatteryOutcome | undefined;
for (const run of runs) {
  try {
    const result = await runChaos({
      ...run.options,
      shrink: false,
      ...(cap === undefined ? {} : { runs: Math.min(cap, run.options.runs ?? cap) }),
    });
    schedules += result.statistics.schedules;
    if (result.verdict !== 'pass') {
      outcome = {
        killedBy: run.name,
        verdict: result.verdict,
        summary: result.summary,
        schedules,
        ms: Date.now() - started,
      };
      break;
    }
  } catch (error) {
    outcome = {
      killedBy: run.name,
      verdict: 'threw',
      summary: String(error),
      schedules,
      ms: Date.now() - started,
    };
    break;
  }
}
console.log(
  JSON.stringify(
    outcome ?? {
      killedBy: null,
      verdict: 'pass',
      summary: 'every run passed',
      schedules,
      ms: Date.now() - started,
    },
  ),
);
