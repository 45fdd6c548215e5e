// Runs redis-semaphore 5.8's Mutex and RedlockMutex through the deadbolt chaos harness and prints what it finds.
// Usage: node --conditions=source --import=tsx examples/third-party-lock/runRedisSemaphore.ts [runs=200] [--redis]
// Virtual time by default; --redis runs Mutex on one real Redis and RedlockMutex on three (quorum3).
import { runChaos, type ChaosOptions } from '@deadbolt/chaos';
import { redisSemaphoreAdapter } from './redisSemaphoreAdapter.js';

const runs = Number(process.argv[2] ?? 200);
const real = process.argv.includes('--redis');
// Its refresh rejects unhandled when Redis fails (see README): count those instead of crashing.
const unhandled: string[] = [];
process.on('unhandledRejection', (reason) => unhandled.push(String(reason)));
for (const kind of ['Mutex', 'RedlockMutex'] as const) {
  const base: ChaosOptions = real
    ? { backend: 'redis', topology: kind === 'Mutex' ? 'single' : 'quorum3', clients: 3, operations: 25 }
    : {};
  const result = await runChaos({ ...base, lock: redisSemaphoreAdapter(kind), runs, seed: 1 });
  console.log(`\n## ${kind}\n${result.summary}`);
  console.log(`violations per invariant: ${JSON.stringify(result.statistics.violations)}`);
  if (result.counterexample) {
    const ce = result.counterexample;
    console.log(
      `replay: { seed: ${ce.seed}, path: '${ce.path}', replayPath: '${ce.replayPath}', runs: 1, shrink: false }`,
    );
    console.log(ce.commands.join('\n'));
    for (const v of result.violations) console.log(`${v.invariant} ${v.label}: ${v.message}`);
  }
}
console.log(
  `\nunhandled rejections: ${unhandled.length}${unhandled.length ? ` (first: ${unhandled[0]})` : ''}`,
);
