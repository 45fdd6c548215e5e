import { fileURLToPath } from 'node:url';
import { FULL_TIMING, QUICK_TIMING, type Timing } from './timing.js';

/** The package directory `bench/`, where the committed RESULTS.md lives. */
export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** What the command line asked for. */
export interface CliOptions {
  readonly quick: boolean;
  /** Directory that receives RESULTS.md and results.svg. */
  readonly outDir: string;
  readonly timing: Timing;
  /** Ids of the scenarios to run; empty means all. */
  readonly scenarios: readonly string[];
  /** Ids of the frameworks the middleware scenario measures (`--framework`); empty means all. */
  readonly frameworks: readonly string[];
  /** Run only the soak (`--soak`), which the default run leaves out. */
  readonly soak: boolean;
  /** Run only the many-held-locks scenario (`--held`), which the default run leaves out. */
  readonly held: boolean;
  /** Run only the concurrent-acquires scenario with and without auto-pipelining (`--pipelining`). */
  readonly pipelining: boolean;
  /** `--held-counts 1000,10000`: the counts of held locks to measure instead of the default ones. */
  readonly heldCounts?: readonly number[];
  /** The arguments as given, for the report. */
  readonly args: readonly string[];
}

export const USAGE = `Usage: pnpm bench [--quick] [--out DIR] [--scenario ID]...
       pnpm bench --soak [--quick] [--out DIR]
       pnpm bench --held [--quick] [--out DIR] [--held-counts N,N,...]
       pnpm bench --pipelining [--quick] [--out DIR]

  --quick     short windows (${QUICK_TIMING.measureMs} ms per library per scenario); writes to bench/out/ by default
  --out DIR   write RESULTS.md and results.svg to DIR (default: bench/, or bench/out/ with --quick)
  --scenario ID  run only this scenario (repeatable): uncontended, distinct-keys, one-key (with its
              variant one-key-shared), one-key-shared, quorum3 (with its variant quorum3-paused),
              quorum3-paused, semaphore (limit 4), read-write (90 % shared), middleware
  --framework ID  measure only this framework in the middleware scenario (repeatable): express, koa,
              fastify, hono; e.g. --scenario middleware --framework hono
  --soak      run only the soak: 1,000,000 acquire/release cycles (20,000 with --quick); writes soak.json
              and the Soak section of RESULTS.md in the output directory, keeping the rest of the file
  --held      run only the many-held-locks scenario: one process holds 1,000, 10,000 and 100,000 locks
              (ttl 10 s) for 60 s each (4 s with --quick); writes held.json and the Many held locks section
              of RESULTS.md in the output directory, keeping the rest of the file
  --held-counts N,N,...  with --held: measure these numbers of held locks instead
  --pipelining  run only the concurrent-acquires scenario: 64 acquire/release loops in one process on one
              ioredis connection, deadbolt and the raw floor, each without and with enableAutoPipelining;
              6 rounds of 2.5 s per variant (1 round of 1 s with --quick); writes pipelining.json and the
              Concurrent acquires and auto-pipelining section of RESULTS.md, keeping the rest of the file`;

/**
 * Parses `argv` (without node and script). A bare `--` (as some package managers insert) is ignored.
 * @throws on an unknown argument or a missing value.
 */
export function parseCli(argv: readonly string[]): CliOptions | 'help' {
  const args = argv.filter((arg) => arg !== '--');
  let quick = false;
  let soak = false;
  let held = false;
  let pipelining = false;
  let heldCounts: number[] | undefined;
  let outDir: string | undefined;
  const scenarios: string[] = [];
  const frameworks: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--quick') quick = true;
    else if (arg === '--soak') soak = true;
    else if (arg === '--held') held = true;
    else if (arg === '--pipelining') pipelining = true;
    else if (arg === '--held-counts') {
      heldCounts = (args[++index] ?? '').split(',').map(Number);
      if (!heldCounts.every((n) => Number.isInteger(n) && n > 0))
        throw new Error('--held-counts needs positive integers separated by commas');
    } else if (arg === '--out') {
      outDir = args[++index];
      if (outDir === undefined || outDir.startsWith('--')) throw new Error('--out needs a directory');
    } else if (arg === '--scenario') {
      const id = args[++index];
      if (id === undefined || id.startsWith('--')) throw new Error('--scenario needs a scenario id');
      scenarios.push(id);
    } else if (arg === '--framework') {
      const id = args[++index];
      if (id === undefined || id.startsWith('--')) throw new Error('--framework needs a framework id');
      frameworks.push(id);
    } else if (arg?.startsWith('--out=')) outDir = arg.slice('--out='.length);
    else throw new Error(`Unknown argument: ${arg}\n${USAGE}`);
  }
  return {
    quick,
    outDir: outDir ?? (quick ? `${BENCH_DIR}out` : BENCH_DIR),
    timing: quick ? QUICK_TIMING : FULL_TIMING,
    scenarios,
    frameworks,
    soak,
    held,
    pipelining,
    ...(heldCounts && { heldCounts }),
    args,
  };
}
