import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file, in the server's dir, whose first 8 bytes hold the clock offset in ns (see `CLOCK_SHIM_SOURCE`). */
const CLOCK_FILE = 'clock-offset';

/**
 * The wall clock of a redis-server started with `{ clock: true }`: the server reads the real time plus an offset
 * that {@link ServerClock.step} and {@link ServerClock.setOffset} change while it runs, as an NTP step or an
 * operator's `date -s` would. `TIME`, key expiry (`PX`, `PEXPIRE`, `PTTL`, lazy and active expiry) and scripts
 * follow it; the monotonic clock does not move. A change applies from the next command the server runs, so a
 * test needs no wait. `restart()` keeps the offset.
 *
 * @example
 * ```ts
 * await using server = await RedisServer.start({ clock: true });
 * const client = server.client();
 * await client.set('k', 'v', 'PX', 5_000);
 * server.clock.step(6_000); // the server's clock jumps 6 s ahead
 * expect(await client.get('k')).to.equal(null);
 * server.clock.step(-60_000); // and 54 s behind the real time
 * ```
 */
export class ServerClock {
  /** The file the server's clock shim maps (`DEADBOLT_CLOCK_FILE`). */
  readonly file: string;
  #offsetMs = 0;

  private constructor(file: string) {
    this.file = file;
  }

  /**
   * Creates the clock file, offset 0, in a server's `dir`.
   *
   * @example
   * ```ts
   * const clock = ServerClock.create(dir); // then launch with DEADBOLT_CLOCK_FILE=clock.file
   * ```
   */
  static create(dir: string): ServerClock {
    const clock = new ServerClock(join(dir, CLOCK_FILE));
    writeFileSync(clock.file, Buffer.alloc(8));
    return clock;
  }

  /**
   * How far the server's clock is ahead of the real time, in ms (negative: behind). Starts at 0.
   *
   * @example
   * ```ts
   * server.clock.step(-1_000);
   * server.clock.offsetMs // -1000
   * ```
   */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Steps the server's clock by `ms` (negative: backwards), from the next command it runs.
   *
   * @throws RangeError when `ms` is not an integer.
   * @example
   * ```ts
   * server.clock.step(30_000); // 30 s forward
   * ```
   */
  step(ms: number): void {
    this.setOffset(this.#offsetMs + ms);
  }

  /**
   * Sets the server's clock to the real time plus `ms` (0: the real time again), from the next command it runs.
   *
   * @throws RangeError when `ms` is not an integer.
   * @example
   * ```ts
   * server.clock.setOffset(0);
   * ```
   */
  setOffset(ms: number): void {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`clock offset must be an integer (ms), got ${ms}`);
    const bytes = Buffer.alloc(8);
    bytes.writeBigInt64LE(BigInt(ms) * 1_000_000n);
    // Written in place: the server maps the file, and a truncated file would fault its next clock reading.
    const fd = openSync(this.file, 'r+');
    try {
      writeSync(fd, bytes, 0, bytes.length, 0);
    } finally {
      closeSync(fd);
    }
    this.#offsetMs = ms;
  }
}
