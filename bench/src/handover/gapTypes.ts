/** What one run of the hand-over gap tool does (see `handoverGap.ts`). */
export interface GapPlan {
  /** The worktree whose built `packages/core/dist` is measured. */
  readonly root: string;
  /** Client processes; default 4. */
  readonly processes: number;
  /** Clients per process, a connection and a locker each; default 4. */
  readonly clients: number;
  /** Hold per grant, in ms; default 5. */
  readonly hold: number;
  /** The measuring window, in ms; default 4000. */
  readonly ms: number;
  /** Permits of a semaphore (`acquire(key, { limit })`); 0 (default): the exclusive lock. */
  readonly limit: number;
  /** Count async resources per grant in the clients (`async_hooks`, which slows them); default off. */
  readonly hooks: boolean;
}

/** What a client process recorded; times are ms on {@link clock}. */
export interface GapRows {
  /** `[fence, release sent, release answered]` per release. */
  readonly releases: [number, number, number][];
  /** `[fence, received]` per hand-over message (`token:fence`) a subscriber connection received. */
  readonly messages: [number, number][];
  /** `[fence, granted, waited]` per grant. */
  readonly grants: [number, number, number][];
  /** Σ hold in the window, in ms. */
  holds: number;
  /** CPU the process used in the window, in ms. */
  cpuMs: number;
  /** Commands sent on the clients' connections (`evalsha <sha prefix>`), and async resources with `hooks`. */
  counts: Record<string, number>;
}

/** The measuring window, in ms on {@link clock}. */
export interface Window {
  readonly startAt: number;
  readonly endAt: number;
}

/**
 * The machine's monotonic clock in ms, with sub-ms resolution (`process.hrtime`, CLOCK_MONOTONIC on Linux): one
 * clock for every process of the machine. (`performance.timeOrigin` is read from the wall clock as each process
 * starts, and was seen 40 ms apart between two processes on a loaded machine.)
 */
export function clock(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/**
 * Reads the tool's arguments: `<worktree> [--processes N] [--clients N] [--hold MS] [--ms MS] [--limit N] [--hooks]`.
 *
 * @example
 * ```ts
 * parseGapArgs(['/work/wt/old', '--limit', '4']) // { root: '/work/wt/old', limit: 4, processes: 4, … }
 * ```
 */
export function parseGapArgs(argv: readonly string[]): GapPlan {
  const option = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`);
    const value = at < 0 ? fallback : Number(argv[at + 1]);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
    return value;
  };
  return {
    root: argv[0] !== undefined && !argv[0].startsWith('--') ? argv[0] : '.',
    processes: option('processes', 4),
    clients: option('clients', 4),
    hold: option('hold', 5),
    ms: option('ms', 4000),
    limit: option('limit', 0),
    hooks: argv.includes('--hooks'),
  };
}
