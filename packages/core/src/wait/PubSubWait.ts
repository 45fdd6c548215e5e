import type { PauseRequest, WaitStrategy } from './WaitStrategy.js';
import { backoffDelay } from './WaitStrategy.js';
import type { WakeupHub, WakeupListener } from './WakeupHub.js';
import { sleep } from './sleep.js';

/**
 * Event-driven waiting: a release publishes the next waiter's token and wakes it at once. A timer covers a
 * lost message: it fires at the holder's remaining lease (a crashed holder never publishes), or at the
 * heartbeat that keeps the queue entry alive, whichever is first. When subscribing fails (Redis down), the
 * pause polls with capped exponential backoff and full jitter instead.
 */
export class PubSubWait implements WaitStrategy {
  readonly handsOver = true;
  readonly #hub: WakeupHub;

  constructor(hub: WakeupHub) {
    this.#hub = hub;
  }

  track(token: string): () => void {
    return this.#hub.track(token);
  }

  async pause(request: PauseRequest): Promise<number | undefined> {
    const { signal, target } = request;
    signal.throwIfAborted();
    if (this.#hub.takeEarlyWakeup(request.token)) return undefined;
    let handedFence: number | undefined;
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => (wake = resolve));
    const listener: WakeupListener = {
      token: request.token,
      fair: request.fair,
      wake: (fence) => {
        handedFence ??= fence;
        wake();
      },
    };
    try {
      if ((await this.#hub.listen(target.channels, listener)) || this.#hub.takeEarlyWakeup(request.token)) {
        this.#hub.forget(target.channels, listener);
        return handedFence;
      }
    } catch {
      this.#hub.forget(target.channels, listener);
      await sleep(Math.min(request.atMost, backoffDelay(request.attempt, request.holderTtl)), signal);
      return undefined;
    }
    const fallback = Math.min(request.atMost, request.holderTtl >= 0 ? request.holderTtl + 1 : Infinity);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.race([woken, sleep(fallback, controller.signal)]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      controller.abort(signal.reason ?? new Error('woken'));
      this.#hub.forget(target.channels, listener);
    }
    signal.throwIfAborted();
    return handedFence;
  }

  close(): void {
    this.#hub.close();
  }
}
