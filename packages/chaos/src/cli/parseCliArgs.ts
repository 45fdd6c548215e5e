import { parseArgs } from 'node:util';
import { brokenCountedLocks, brokenLocks } from '../fixtures/index.js';
import { lockByName } from './lockNames.js';
import { DEFAULT_TTL, TOPOLOGIES, formatTtl, type ChaosOptions, type ChaosTopology } from '../options.js';
import { CLIENT_LIBRARIES } from '../real/clientLibraries.js';
import { FAULT_NAMES, type ChaosFault } from '../schedule/faults.js';
import { UsageError } from './UsageError.js';
import { PATH_NAMES, type PathName } from '../paths/pathCounts.js';

/** The CLI's usage text. */
export const USAGE = `Usage: deadbolt-chaos [options]

  --backend mock|redis        virtual time (default) or real redis-server processes
  --topology T[,T...]         servers of the redis backend: single (default), quorum3, quorum5, cluster,
                              replicated (a master and one replica, for --faults failover); the mock backend
                              takes single, quorum3 and quorum5 (one mock store per master);
                              several run one after the other (one JUnit test case each)
  --processes inline|child    redis backend: clients in this process (default) or one child process each,
                              so that a pause really stops the client (SIGSTOP)
  --client ioredis|iovalkey|node-redis   redis backend: the client library the lock runs on (default ioredis)
  --lock NAME[,NAME...]       deadbolt (default), correct, throwing (acquire always throws), or a broken
                              fixture: ${Object.keys(brokenLocks).join(', ')};
                              with --limit or --shared-ratio: ${Object.keys(brokenCountedLocks).join(', ')}
  --replica-wait N            deadbolt trusts a grant only once N replicas have it (its replicas option)
  --clients N                 concurrent clients (default 5)
  --clients-per-process K     clients that share one process: its lock client, connection and clock
                              (default 1; inline processes only)
  --operations N              most steps per schedule (default 50)
  --runs N                    schedules (default 100)
  --ttl MS | MIN..MAX         lease length, or the range each schedule draws it from
                              (default ${formatTtl(DEFAULT_TTL.mock)} on mock, ${formatTtl(DEFAULT_TTL.redis)} on redis)
  --no-contention             do not bias schedules toward several clients waiting at once
  --limit N                   every acquire takes one of N permits: the semaphore (default 1, the mutex)
  --shared-ratio R            share of acquires that take a read share, 0 to 1: the read-write lock (default 0)
  --faults a,b,c              faults to draw: ${FAULT_NAMES.join(', ')}
                              (default on mock: pause to lateExtend, multiSlot only for a lock that locks
                              several keys, idleGap only for one that claims fenceRestart; on redis: pause
                              to stall, reset and redisStall; failover, clockStep and the other redis-only
                              faults are drawn only when named: clockStep needs a C compiler, cc)
  --bounds within|beyond      keep faults within the lock's bounds (default) or go beyond
  --seed=S --path P [--replay-path R]   replay a failure (write a negative seed as --seed=-42)
  --no-shrink                 report the first failure unshrunk
  --require-paths a,b         paths that must each run at least once, else inconclusive (exit 3):
                              ${PATH_NAMES.join(', ')}
                              (default: grant and, on mock with contention, contendedWait, if the lock
                              claims them; none on a replay with --path)
  --report FILE.html          write the HTML report (several runs: FILE-lock-topology.html)
  --junit FILE.xml            write a JUnit XML report: one test case per lock and topology
  --github                    GitHub Actions annotations (::error) and step summary; on by itself
                              when GITHUB_ACTIONS=true
  --json                      print the result as JSON on stdout (several runs: an array)
  --no-progress               no progress bar
  -v, --version               the version
  -h, --help                  this text

Exit codes: 0 clean, 1 violation found, 2 usage error, 3 inconclusive (a required path never ran).
(2 also when a lock adapter's connect throws.)`;

/** One run the command line asks for: a lock on a topology, with every other option shared. */
export interface CliRun {
  readonly lockName: string;
  /** `--replica-wait`: the replicas deadbolt waits for (already in `options.lock`; kept for the replay command). */
  readonly replicaWait?: number;
  readonly options: ChaosOptions;
}

/** What the command line asks for. */
export interface CliRequest {
  readonly help: boolean;
  readonly version: boolean;
  /** One run per lock × topology, locks outermost, in the order given. */
  readonly runs: readonly CliRun[];
  readonly report: string | undefined;
  readonly junit: string | undefined;
  readonly github: boolean;
  readonly json: boolean;
  readonly progress: boolean;
}

/**
 * Parses the CLI's arguments into {@link runChaos} options, one set per lock × topology.
 *
 * @throws {@link UsageError} for an unknown option or a bad value.
 * @example
 * ```ts
 * parseCliArgs(['--runs', '50', '--lock', 'naive']).runs[0]?.options.runs // 50
 * ```
 */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): CliRequest {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(parseError(error));
  }
  const v = parsed.values;
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}": every option starts with --`);
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
  const list = (value: string | undefined): string[] | undefined =>
    value
      ?.split(',')
      .map((f) => f.trim())
      .filter((f) => f !== '');
  const faults = list(v.faults);
  for (const f of faults ?? []) oneOf('faults', f, FAULT_NAMES);
  const requirePaths = list(v['require-paths']);
  for (const p of requirePaths ?? []) oneOf('require-paths', p, PATH_NAMES);
  const topologies = list(v.topology)?.map((t) => oneOf<ChaosTopology>('topology', t, TOPOLOGIES)) ?? [
    undefined,
  ];
  const shared: ChaosOptions = {
    ...defined('backend', oneOf('backend', v.backend, ['mock', 'redis'] as const)),
    ...defined('processes', oneOf('processes', v.processes, ['inline', 'child'] as const)),
    ...defined('client', oneOf('client', v.client, CLIENT_LIBRARIES)),
    ...defined('clients', int('clients', v.clients, 2)),
    ...defined('clientsPerProcess', int('clients-per-process', v['clients-per-process'], 1)),
    ...defined('operations', int('operations', v.operations, 1)),
    ...defined('runs', int('runs', v.runs, 1)),
    ...defined('ttl', ttl(v.ttl, int)),
    ...defined('seed', int('seed', v.seed, -(2 ** 31))),
    ...defined('path', v.path),
    ...defined('replayPath', v['replay-path']),
    ...defined('faults', faults as ChaosFault[] | undefined),
    ...defined('bounds', oneOf('bounds', v.bounds, ['within', 'beyond'] as const)),
    ...(v['no-shrink'] === true ? { shrink: false } : {}),
    ...(v['no-contention'] === true ? { contention: false } : {}),
    ...defined('requirePaths', requirePaths as PathName[] | undefined),
    ...defined('limit', int('limit', v.limit, 1)),
    ...defined('sharedRatio', ratio('shared-ratio', v['shared-ratio'])),
  };
  if ((shared.limit ?? 1) > 1 && (shared.sharedRatio ?? 0) > 0)
    throw new UsageError(
      '--limit above 1 and --shared-ratio above 0 cannot be combined: a key is either a semaphore or a read-write lock',
    );
  if (shared.path !== undefined && shared.seed === undefined) throw new UsageError('--path needs --seed');
  const replicaWait = int('replica-wait', v['replica-wait'], 1);
  const runs = (list(v.lock) ?? ['deadbolt']).flatMap((lockName) =>
    topologies.map((topology) => ({
      lockName,
      ...defined('replicaWait', replicaWait),
      options: { ...shared, lock: lockByName(lockName, replicaWait), ...defined('topology', topology) },
    })),
  );
  return {
    help: v.help === true,
    version: v.version === true,
    runs,
    report: v.report,
    junit: v.junit,
    github: v.github === true || env['GITHUB_ACTIONS'] === 'true',
    json: v.json === true,
    progress: v['no-progress'] !== true && v.json !== true,
  };
}

/** `--shared-ratio 0.5`: a number from 0 to 1. */
function ratio(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1)
    throw new UsageError(`--${name} must be a number from 0 to 1, got "${value}"`);
  return n;
}

/** `--ttl 1000` or `--ttl 100..3000`. */
function ttl(
  value: string | undefined,
  int: (name: string, value: string | undefined, min: number) => number | undefined,
): ChaosOptions['ttl'] {
  if (value === undefined) return undefined;
  const range = /^(\d+)\.\.(\d+)$/.exec(value);
  if (!range) return int('ttl', value, 50);
  const min = int('ttl', range[1], 50) ?? 50;
  const max = int('ttl', range[2], 50) ?? 50;
  if (max < min) throw new UsageError(`--ttl range must have MIN <= MAX, got "${value}"`);
  return { min, max };
}

/** node:util's parse errors, said in the CLI's words (no "positional arguments"). */
function parseError(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `unknown option ${option} (see --help)`;
  if (message.includes('ambiguous')) return `${option} needs a value; write a negative one as ${option}=-42`;
  if (message.includes('argument missing')) return `${option} needs a value`;
  return message.split('\n')[0] ?? message;
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
      client: text,
      lock: text,
      clients: text,
      'clients-per-process': text,
      operations: text,
      runs: text,
      ttl: text,
      limit: text,
      'shared-ratio': text,
      'replica-wait': text,
      faults: text,
      bounds: text,
      seed: text,
      path: text,
      'replay-path': text,
      'require-paths': text,
      report: text,
      junit: text,
      github: { type: 'boolean' },
      json: { type: 'boolean' },
      'no-contention': { type: 'boolean' },
      version: { type: 'boolean', short: 'v' },
      'no-shrink': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function defined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
