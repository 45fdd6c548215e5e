import type { ChaosProgress } from '../options.js';

/** Width of the bar in characters. */
const WIDTH = 30;

/**
 * A progress bar on a stream (stderr): redrawn in place on a terminal, one line per tenth otherwise.
 *
 * @example
 * ```ts
 * const bar = new ProgressBar(process.stderr); runChaos({ onProgress: bar.update }); bar.done()
 * ```
 */
export class ProgressBar {
  readonly #out: NodeJS.WritableStream & { isTTY?: boolean };
  #lastTenth = -1;
  #drawn = false;

  constructor(out: NodeJS.WritableStream & { isTTY?: boolean }) {
    this.#out = out;
  }

  readonly update = ({ done, runs, shrinking }: ChaosProgress): void => {
    const shown = Math.min(done, runs);
    const filled = Math.round((shown / runs) * WIDTH);
    const line = shrinking
      ? `[${'!'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] violation found; shrinking (${done} schedules run)`
      : `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${shown}/${runs} schedules`;
    if (this.#out.isTTY === true) {
      this.#out.write(`\r${line}\x1b[K`);
      this.#drawn = true;
      return;
    }
    const tenth = shrinking ? 11 : Math.floor((shown / runs) * 10);
    if (tenth === this.#lastTenth) return;
    this.#lastTenth = tenth;
    this.#out.write(`${line}\n`);
  };

  /** Ends the bar's line. */
  done(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }
}
