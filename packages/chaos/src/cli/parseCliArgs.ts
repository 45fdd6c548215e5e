import { parseArgs } from 'node:util';
import type { LockAdapter } from '../adapter/LockAdapter.js';
import { deadboltAdapter } from '../adapter/deadboltAdapter.js';
import { brokenLocks, simpleLockAdapter } from '../fixtures/index.js';
import { TOPOLOGIES, type ChaosOptions, type ChaosTopology } from '../options.js';
import { FAULT_NAMES, type ChaosFault } from '../schedule/faults.js';
import { UsageError } from './UsageError.js';

/** The CLI's usage text. */
export const USAGE = `Usage: deadbolt-chaos [options]

  --backend mock|redis        virtual time (default) or real redis-server processes
  --topology single|quorum3|quorum5|cluster   servers of the redis backend (default single)
  --processes inline|child    redis backend: clients in this process (default) or one child process each,
                              so that a pause really stops the client (SIGSTOP)
  --lock NAME                 deadbolt (default), correct, or a broken fixture: ${Object.keys(brokenLocks).join(', ')}
  --clients N                 concurrent clients (default 5)
  --clients-per-process K     clients that share one process: its lock client, connection and clock
                              (default 1; inline processes only)
  --operations N              most steps per schedule (default 50)
  --runs N                    schedules (default 100)
  --ttl MS                    lease length (default 1000)
  --faults a,b,c              faults to draw (default: all of the backend): ${FAULT_NAMES.join(', ')}
  --bounds within|beyond      keep faults within the lock's bounds (default) or go beyond
  --seed S --path P [--replay-path R]   replay a failure
  --no-shrink                 report the first failure unshrunk
  --report FILE.html          write the HTML report
  --json                      print the result as JSON on stdout
  --no-progress               no progress bar
  -h, --help                  this text

Exit codes: 0 clean, 1 violation found, 2 usage error.`;

/** What the command line asks for. */
export interface CliRequest {
  readonly help: boolean;
  readonly options: ChaosOptions;
  readonly lockName: string;
  readonly report: string | undefined;
  readonly json: boolean;
  readonly progress: boolean;
}

/**
 * Parses the CLI's arguments into {@link runChaos} options.
 *
 * @throws {@link UsageError} for an unknown option or a bad value.
 * @example
 * ```ts
 * parseCliArgs(['--runs', '50', '--lock', 'naive']).options.runs // 50
 * ```
 */
export function parseCliArgs(argv: readonly string[]): CliRequest {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
  const int = (name: string, value: string | undefined, min: number): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min)
      throw new UsageError(`--${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
  const oneOf = <T extends string>(
    name: string,
    value: string | undefined,
    allowed: readonly T[],
  ): T | undefined => {
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value))
      throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
  const lockName = v.lock ?? 'deadbolt';
  const lock = lockByName(lockName);
  const faults = v.faults
    ?.split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of faults ?? []) oneOf('faults', f, FAULT_NAMES);
  const options: ChaosOptions = {
    lock,
    ...defined('backend', oneOf('backend', v.backend, ['mock', 'redis'] as const)),
    ...defined('topology', oneOf<ChaosTopology>('topology', v.topology, TOPOLOGIES)),
    ...defined('processes', oneOf('processes', v.processes, ['inline', 'child'] as const)),
    ...defined('clients', int('clients', v.clients, 2)),
    ...defined('clientsPerProcess', int('clients-per-process', v['clients-per-process'], 1)),
    ...defined('operations', int('operations', v.operations, 1)),
    ...defined('runs', int('runs', v.runs, 1)),
    ...defined('ttl', int('ttl', v.ttl, 50)),
    ...defined('seed', int('seed', v.seed, -(2 ** 31))),
    ...defined('path', v.path),
    ...defined('replayPath', v['replay-path']),
    ...defined('faults', faults as ChaosFault[] | undefined),
    ...defined('bounds', oneOf('bounds', v.bounds, ['within', 'beyond'] as const)),
    ...(v['no-shrink'] === true ? { shrink: false } : {}),
  };
  if (options.path !== undefined && options.seed === undefined) throw new UsageError('--path needs --seed');
  return {
    help: v.help === true,
    options,
    lockName,
    report: v.report,
    json: v.json === true,
    progress: v['no-progress'] !== true && v.json !== true,
  };
}

function parse(argv: readonly string[]) {
  const text = { type: 'string' } as const;
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      backend: text,
      topology: text,
      processes: text,
      lock: text,
      clients: text,
      'clients-per-process': text,
      operations: text,
      runs: text,
      ttl: text,
      faults: text,
      bounds: text,
      seed: text,
      path: text,
      'replay-path': text,
      report: text,
      json: { type: 'boolean' },
      'no-shrink': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function lockByName(name: string): LockAdapter {
  if (name === 'deadbolt') return deadboltAdapter();
  if (name === 'correct') return simpleLockAdapter('correct reference lock');
  const broken = (brokenLocks as Record<string, LockAdapter>)[name];
  if (!broken)
    throw new UsageError(
      `--lock must be deadbolt, correct or one of ${Object.keys(brokenLocks).join(', ')}, got "${name}"`,
    );
  return broken;
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
