/**
 * Thrown by `RedisServer.start({ clock: true })` (and the Cluster and masters that pass the option on) when the
 * clock shim cannot be built or preloaded: not Linux, no C compiler (`$CC`, else `cc`), or the compiler failed.
 * The message says which, and how to fix it (on Debian/Ubuntu: `sudo apt-get install -y gcc`).
 *
 * @example
 * ```ts
 * try {
 *   await RedisServer.start({ clock: true });
 * } catch (error) {
 *   if (error instanceof ClockShimUnavailableError) console.error(error.message);
 *   else throw error;
 * }
 * ```
 */
export class ClockShimUnavailableError extends Error {
  /** Stable machine-readable code. */
  readonly code = 'ERR_CLOCK_SHIM_UNAVAILABLE' as const;

  /**
   * @param reason - why the shim is unavailable, one or two sentences.
   * @param cause - the underlying error (the compiler's), if any.
   */
  constructor(reason: string, cause?: unknown) {
    super(
      `A redis-server with a controllable clock needs the clock shim, which is unavailable: ${reason} ` +
        'To install a C compiler: sudo apt-get install -y gcc (Debian/Ubuntu).',
      { cause },
    );
    this.name = 'ClockShimUnavailableError';
  }
}
