// Runs redlock 4.2.0 through the deadbolt chaos harness and prints what it finds.
// Usage: node --conditions=source --import=tsx examples/third-party-lock/run.ts [runs=300] [--redis]
import { formatHistory, runChaos, type ChaosOptions } from '@deadbolt/chaos';
import { redlockAdapter } from './redlockAdapter.js';

const runs = Number(process.argv[2] ?? 300);
const real = process.argv.includes('--redis');
const base: ChaosOptions = real
  ? { backend: 'redis', topology: 'quorum3', clients: 3, operations: 25, ttl: 500 }
  : { clients: 5, operations: 50 };
const lock = redlockAdapter();
// redlock 4 lets some rejections go unhandled under faults (see README); count them instead of crashing.
const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
for (const [label, options] of [
  ['within bounds, every fault', {}],
  ['beyond bounds (pauses past validity)', { bounds: 'beyond', faults: ['stall'] }],
] as const) {
  const result = await runChaos({ ...base, ...options, lock, runs, seed: 1 });
  console.log(`\n## ${label}\n${result.summary}`);
  console.log(`violations per invariant: ${JSON.stringify(result.statistics.violations)}`);
  if (result.counterexample) {
    console.log(result.counterexample.commands.join('\n'));
    console.log(formatHistory(result.history, 60));
  }
}
console.log(
  `\nunhandled rejections: ${unhandled.length}${unhandled.length ? ` (first: ${unhandled[0]})` : ''}`,
);
