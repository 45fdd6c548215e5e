import type { RequestLockLogger } from './RequestLockOptions.js';

/** Logs the first failure of each Redis outage once; a successful acquire ends the outage. */
export class OutageLog {
  readonly #logger: RequestLockLogger;
  #down = false;

  constructor(logger: RequestLockLogger) {
    this.#logger = logger;
  }

  /** A store call failed while the middleware serves requests without the lock (failOpen). */
  failed(error: unknown): void {
    if (this.#down) return;
    this.#down = true;
    this.#logger.warn(
      'deadbolt: Redis is unavailable; serving requests WITHOUT the lock until it recovers (failOpen).',
      error,
    );
  }

  /** A store call succeeded. */
  recovered(): void {
    this.#down = false;
  }
}
