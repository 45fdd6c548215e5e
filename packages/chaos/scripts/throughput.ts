// Measures schedules per minute on the virtual-time backend and runs the long deadbolt check.
// Usage: node --import tsx --conditions=source packages/chaos/scripts/throughput.ts [runs=2000] [bounds=within] [operations=50]
// `operations` is the most steps per schedule; fast-check draws lengths up to it (about half on average).
import { runChaos } from '@deadbolt/chaos';

const runs = Number(process.argv[2] ?? 2000);
const bounds = process.argv[3] === 'beyond' ? 'beyond' : 'within';
const operations = Number(process.argv[4] ?? 50);
const result = await runChaos({ runs, clients: 5, operations, bounds });
const { schedules, durationMs, steps, violations } = result.statistics;
const totalSteps = Object.values(steps).reduce((a, b) => a + b, 0);
console.log(result.summary);
console.log(
  `schedules/minute: ${Math.round((schedules / durationMs) * 60_000)} (${schedules} in ${durationMs} ms, ${(totalSteps / schedules).toFixed(1)} steps each)`,
);
console.log(`fault mix: ${JSON.stringify(steps)}`);
console.log(`violations: ${JSON.stringify(violations)}`);
if (result.verdict === 'fail') {
  console.log(result.counterexample?.commands.join('\n'));
  process.exitCode = 1;
}
