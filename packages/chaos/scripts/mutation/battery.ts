import { ALL_FAULTS, type ChaosOptions } from '@deadbolt/chaos';

/** One harness run of the battery: a name, and the `runChaos` options (mock backend, fixed seed, no shrinking). */
export interface BatteryRun {
  readonly name: string;
  readonly options: ChaosOptions;
}

/**
 * The harness alone, as `pnpm mutation` runs it against each mutant: the mock backend with fixed seeds, in this
 * order, stopping at the first run that is not a clean pass. The first is the CLI's defaults as they were when the
 * score was measured (the base faults, `ALL_FAULTS`: every run that names no faults of its own is pinned to them, so
 * that the recorded docs/mutation.json stays true now that the defaults add the reach faults); the others turn on
 * what those defaults left out (multi-key acquires and waiter stalls, quiet spells that let fence counters expire,
 * two clients under slow replies and failing renewals only, clients sharing a locker, the counted modes)
 * and faults beyond the bounds, where only what no fault excuses counts (fences, extend outcomes, lease
 * lengths, leaks); then, appended later (the runs before unchanged), a second lock held beside the key by the
 * same lock client (renewals batched) and a quorum of three mock masters with master stalls. 1 300 schedules in all.
 */
export const BATTERY: readonly BatteryRun[] = [
  { name: 'defaults', options: { runs: 150, seed: 1, faults: ALL_FAULTS } },
  { name: 'multiKey', options: { runs: 150, seed: 2, faults: [...ALL_FAULTS, 'multiSlot', 'waiterStall'] } },
  {
    name: 'idleGap',
    options: { runs: 150, seed: 2, faults: [...ALL_FAULTS, 'multiSlot', 'waiterStall', 'idleGap'] },
  },
  {
    name: 'renewalFaults',
    options: { runs: 150, seed: 8, clients: 2, faults: ['latency', 'renewalFailure'] },
  },
  {
    name: 'sharedLocker',
    options: {
      runs: 100,
      seed: 3,
      faults: ALL_FAULTS,
      clients: 6,
      clientsPerProcess: 3,
      ttl: { min: 1_500, max: 3_000 },
    },
  },
  { name: 'semaphore', options: { runs: 100, seed: 4, faults: ALL_FAULTS, limit: 3 } },
  { name: 'readWrite', options: { runs: 100, seed: 5, faults: ALL_FAULTS, sharedRatio: 0.5 } },
  { name: 'beyondBounds', options: { runs: 150, seed: 6, faults: ALL_FAULTS, bounds: 'beyond' } },
  // Appended after the score was first measured (runs before it unchanged, so what they killed stays killed).
  { name: 'sideLock', options: { runs: 150, seed: 9, faults: [...ALL_FAULTS, 'sideLock'] } },
  {
    name: 'quorum3',
    options: { runs: 100, seed: 10, topology: 'quorum3', faults: [...ALL_FAULTS, 'redisStall'] },
  },
];

/**
 * Runs on the real backend that kill the {@link CLOCK_STEP_MUTANTS} (see mutants.ts): named on the command line of
 * runBattery.ts only, never part of the default battery (the mock backend cannot step a server's clock). Each is a
 * failure replayed by its seed and path (picked from generated schedules by their steps, then run): `clockStepDeadWaiter` (schedule 0 of seed 220: client
 * c1 dies while it waits, the server's clock steps back 266 s, and c0's wait of 2 860 ms from 6 246 ms on is refused
 * although the key is free: L1 at 9 108 ms with the tolerance reverted; the lock as it is grants).
 */
export const CLOCK_STEP_RUNS: readonly BatteryRun[] = [
  {
    name: 'clockStepDeadWaiter',
    options: {
      backend: 'redis',
      runs: 1,
      seed: 220,
      path: '0',
      faults: ['clockStep', 'crash'],
      clients: 3,
      operations: 40,
      ttl: 1_400,
    },
  },
];

/** The command that reproduces one battery run with the CLI (for the report). */
export function cliCommand(run: BatteryRun): string {
  const o = run.options;
  const args = [`--runs ${o.runs}`, `--seed ${o.seed}`, '--no-shrink'];
  if (o.backend !== undefined) args.push(`--backend ${o.backend}`);
  if (o.path !== undefined) args.push(`--path ${o.path}`);
  if (o.operations !== undefined) args.push(`--operations ${o.operations}`);
  if (o.topology !== undefined) args.push(`--topology ${o.topology}`);
  if (o.faults) args.push(`--faults ${o.faults.join(',')}`);
  if (o.clients !== undefined) args.push(`--clients ${o.clients}`);
  if (o.clientsPerProcess !== undefined) args.push(`--clients-per-process ${o.clientsPerProcess}`);
  if (typeof o.ttl === 'object') args.push(`--ttl ${o.ttl.min}..${o.ttl.max}`);
  if (typeof o.ttl === 'number') args.push(`--ttl ${o.ttl}`);
  if (o.limit !== undefined) args.push(`--limit ${o.limit}`);
  if (o.sharedRatio !== undefined) args.push(`--shared-ratio ${o.sharedRatio}`);
  if (o.bounds !== undefined) args.push(`--bounds ${o.bounds}`);
  return args.join(' ');
}
