import type { ScriptRunner } from '../redis/ScriptRunner.js';
import { modeAttemptFlags, MODE_ACQUIRE, parseModeAttempt } from '../scripts/modeAcquire.js';
import { MODE_EXTEND } from '../scripts/modeExtend.js';
import { MODE_RELEASE } from '../scripts/modeRelease.js';
import { releaseFlags } from '../scripts/release.js';
import type { AttemptRequest, AttemptResult } from './LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import { fenceTtl } from '../lease/fenceCounter.js';

/**
 * The operations of the counted modes (permits and read shares, see `config/mode.ts`) on one node: one script each,
 * one round trip. A single-node backend routes a token with a mode here; the mutex's scripts stay untouched.
 *
 * @example
 * ```ts
 * const modes = new ModeOperations(runner, false)
 * await modes.attempt({ target, token: `${ownerToken(tag)}~4`, ttl: 10_000, fair: true, wait: true })
 * ```
 */
export class ModeOperations {
  readonly #runner: ScriptRunner;
  readonly #sharded: boolean;

  /** @param sharded - publish wake-ups with SPUBLISH (Cluster). */
  constructor(runner: ScriptRunner, sharded: boolean) {
    this.#runner = runner;
    this.#sharded = sharded;
  }

  /** One attempt; rejects with `LockModeError` when the key is held in another mode. */
  attempt({
    target,
    token,
    ttl,
    fair,
    wait,
    handOver = false,
    queued = true,
  }: AttemptRequest): Promise<AttemptResult> {
    const script = MODE_ACQUIRE.get(modeAttemptFlags(fair, wait, this.#sharded, handOver, queued));
    const mode = token.slice(token.indexOf('~'));
    return this.#runner
      .run(script, target.leases, [token, ttl])
      .then((reply) => parseModeAttempt(reply, target.keys[0] ?? '', mode));
  }

  extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    return this.#runner
      .run(MODE_EXTEND, target.leases, [token, ttl, fenceTtl(ttl)])
      .then((reply) => reply === 1);
  }

  /**
   * Releases what `token` holds; `queued`: also leave the queues. `retry`: an abandon (see `ScriptRunner.run`).
   * `contended`: the grant was waited for, so the release probably wakes a waiter: it leads with a PING in the
   * same write, as the mutex's does (see `ScriptRunner.runAfterPing`), and the woken waiter hears of it before
   * the releasing client hears back. Resolves with the script's reply, which reads as the mutex's release's
   * (see `parseRelease`).
   */
  release(
    target: LockTarget,
    token: string,
    queued: boolean,
    retry = false,
    contended = false,
  ): Promise<unknown> {
    const script = MODE_RELEASE.get(releaseFlags(this.#sharded, queued));
    if (contended && !retry) return this.#runner.runAfterPing(script, target.leases, [token]);
    return this.#runner.run(script, target.leases, [token], undefined, undefined, retry);
  }
}
