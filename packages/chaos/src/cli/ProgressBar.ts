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

  readonly update = ({ done, runs, shrinking, shrinkRuns, elapsedMs }: ChaosProgress): void => {
    const shown = Math.min(done, runs);
    const filled = Math.round((shown / runs) * WIDTH);
    const elapsed = `${duration(elapsedMs)} elapsed`;
    const eta = done > 0 && done < runs ? `, ETA ${duration((elapsedMs / done) * (runs - done))}` : '';
    const line = shrinking
      ? `[${'!'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] violation found in schedule ${shown}/${runs}; shrinking (${shrinkRuns} shrink runs), ${elapsed}`
      : `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${shown}/${runs} schedules, ${elapsed}${eta}`;
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

/**
 * A duration for people: `850 ms`, `12 s`, `3 min 05 s`.
 *
 * @example
 * ```ts
 * duration(185_000) // '3 min 05 s'
 * ```
 */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1_000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
