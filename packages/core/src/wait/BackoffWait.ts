import type { PauseRequest, WaitStrategy } from './WaitStrategy.js';
import { backoffDelay } from './WaitStrategy.js';
import { sleep } from './sleep.js';

/** Waits by polling alone: capped exponential backoff with full jitter. */
export class BackoffWait implements WaitStrategy {
  readonly handsOver = false;

  async pause({ attempt, holderTtl, atMost, signal }: PauseRequest): Promise<undefined> {
    await sleep(Math.min(atMost, backoffDelay(attempt, holderTtl)), signal);
    return undefined;
  }

  close(): void {}
}
