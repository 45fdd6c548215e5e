import { waiterChannel } from '../keys/lockKeys.js';
import type { PauseRequest, WaitStrategy } from './WaitStrategy.js';
import { backoffDelay } from './WaitStrategy.js';
import type { WakeupHub, WakeupListener } from './WakeupHub.js';
import { sleep } from './sleep.js';

/**
 * Event-driven waiting: a release publishes the next waiter's token and wakes it at once. A timer covers a
 * lost message: it fires at the holder's remaining lease (a crashed holder never publishes), or at the
 * heartbeat that keeps the queue entry alive, whichever is first. When subscribing fails (Redis down), the
 * pause polls with capped exponential backoff and full jitter instead; a subscription Redis does not answer
 * ends the pause at that same bound (or on abort).
 */
export class PubSubWait implements WaitStrategy {
  readonly handsOver = true;
  readonly #hub: WakeupHub;

  constructor(hub: WakeupHub) {
    this.#hub = hub;
  }

  async pause(request: PauseRequest): Promise<number | undefined> {
    const { signal, target } = request;
    signal.throwIfAborted();
    const early = this.#hub.takeEarlyWakeup(request.token);
    if (early) return early.handedFence;
    let handedFence: number | undefined;
    let woken = false;
    let finish: (() => void) | undefined;
    const listener: WakeupListener = {
      token: request.token,
      fair: request.fair,
      channels: target.channels.map((channel) => waiterChannel(channel, request.token, request.fair)),
      wake: (fence) => {
        handedFence ??= fence;
        woken = true;
        finish?.();
      },
    };
    try {
      // A new subscription waits for Redis, which may not answer: the pause ends at `atMost` (or on abort)
      // regardless, and the next attempt, bounded by commandTimeout, tells whether Redis is there.
      const fresh = await within(this.#hub.listen(listener), request);
      if (fresh === undefined) {
        this.#hub.forget(listener);
        signal.throwIfAborted();
        return undefined;
      }
      const late = this.#hub.takeEarlyWakeup(request.token);
      if (fresh || late) {
        this.#hub.forget(listener);
        return handedFence ?? late?.handedFence;
      }
    } catch {
      this.#hub.forget(listener);
      await sleep(Math.min(request.atMost, backoffDelay(request.attempt, request.holderTtl)), signal);
      return undefined;
    }
    const fallback = Math.min(request.atMost, request.holderTtl >= 0 ? request.holderTtl + 1 : Infinity);
    // One timer (and, for a caller's signal, one abort listener), dropped by whichever of wake-up, fallback or
    // abort comes first. Without a caller's signal only the locker's close aborts, and it wakes every listener.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => finish?.(), fallback);
      const onAbort = (): void => finish?.();
      finish = () => {
        finish = undefined;
        clearTimeout(timer);
        if (request.abortable) signal.removeEventListener('abort', onAbort);
        this.#hub.forget(listener);
        resolve();
      };
      if (woken || signal.aborted) finish();
      else if (request.abortable) signal.addEventListener('abort', onAbort, { once: true });
    });
    signal.throwIfAborted();
    return handedFence;
  }

  close(): void {
    this.#hub.close();
  }
}

/**
 * Settles like `listening`, or resolves `undefined` once `atMost` ms passed or the request's signal aborted (when
 * abortable), whichever is first. Leaves no timer or listener behind; a late rejection of `listening` is absorbed.
 */
function within(
  listening: Promise<boolean>,
  { atMost, signal, abortable }: PauseRequest,
): Promise<boolean | undefined> {
  return new Promise<boolean | undefined>((resolve, reject) => {
    const done = (): void => {
      clearTimeout(timer);
      if (abortable) signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      resolve(undefined);
    };
    const timer = setTimeout(onAbort, atMost);
    if (abortable) signal.addEventListener('abort', onAbort, { once: true });
    listening.then(
      (fresh) => {
        done();
        resolve(fresh);
      },
      (error: Error) => {
        done();
        reject(error);
      },
    );
  });
}
