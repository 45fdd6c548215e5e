/** What one run of the grant cost tool does (see `grantCost.ts`). */
export interface GrantPlan {
  /** Grants per measured run; default 20 000. */
  readonly grants: number;
  /** Grants per variant before the first measured round, to warm the JIT; default 20 000. */
  readonly warmup: number;
  /** Measured rounds, every variant once per round, in rotating order; default 5. */
  readonly rounds: number;
  /** Acquires in flight at once; default 32. */
  readonly inFlight: number;
  /** Worktrees whose built core (`packages/core/dist`) is measured (`source`: `@deadbolt/core` as resolved here); none: `source`. */
  readonly cores: readonly string[];
  /** Only the variants whose label contains one of these; empty: all. */
  readonly only: readonly string[];
  /** Print every measured run as it ends (to line up with `--trace-deopt` output, for example). */
  readonly verbose: boolean;
}

/**
 * Reads the tool's arguments: `[--grants N] [--warmup N] [--rounds N] [--in-flight N] [--core DIR]… [--only a,b] [--verbose]`.
 *
 * @example
 * ```ts
 * parseGrantArgs(['--core', '/work/main', '--only', 'raw,default']) // { cores: ['/work/main'], only: [...], … }
 * ```
 */
export function parseGrantArgs(argv: readonly string[]): GrantPlan {
  const option = (name: string, fallback: number): number => {
    const at = argv.indexOf(`--${name}`);
    const value = at < 0 ? fallback : Number(argv[at + 1]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} needs a positive integer`);
    return value;
  };
  const values = (name: string): string[] =>
    argv.flatMap((arg, at) =>
      arg === `--${name}` && argv[at + 1] !== undefined ? [argv[at + 1] ?? ''] : [],
    );
  return {
    grants: option('grants', 20_000),
    warmup: option('warmup', 20_000),
    rounds: option('rounds', 5),
    inFlight: option('in-flight', 32),
    cores: values('core'),
    only: values('only').flatMap((list) => list.split(',').filter((name) => name !== '')),
    verbose: argv.includes('--verbose'),
  };
}
