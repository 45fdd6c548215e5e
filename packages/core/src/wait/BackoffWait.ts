import type { PauseRequest, WaitStrategy } from './WaitStrategy.js';
import { backoffDelay } from './WaitStrategy.js';
import { sleep } from './sleep.js';

/** Waits by polling alone: capped exponential backoff with full jitter. */
export class BackoffWait implements WaitStrategy {
  track(): () => void {
    return () => {};
  }

  pause({ attempt, holderTtl, atMost, signal }: PauseRequest): Promise<void> {
    return sleep(Math.min(atMost, backoffDelay(attempt, holderTtl)), signal);
  }

  close(): void {}
}
