/**
 * A bad command line: the CLI prints the message and the usage, and exits with code 2.
 *
 * @example
 * ```ts
 * throw new UsageError('--runs must be an integer >= 1, got "x"')
 * ```
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly code = 'ERR_CHAOS_USAGE';
}
