import { createLocker, type Locker } from '@deadbolt/core';
import type { Backend } from '../../../packages/core/test/support/backends.js';

/** What {@link lockerPerTest} keeps for the running test. */
export interface PerTest {
  /** A fresh prefix of the backend. */
  readonly prefix: string;
  /** A locker under `prefix`: ttl 5 s, wait 0. */
  readonly locker: Locker;
}

/**
 * Registers the hooks that give each test of one backend a fresh prefix and a locker on it (ttl 5 s, wait 0),
 * closed after the test.
 *
 * @example
 * ```ts
 * eachBackend((backend) => {
 *   const t = lockerPerTest(backend);
 *   it('locks', async () => void (await t.locker.acquire('x')).release());
 * });
 * ```
 */
export function lockerPerTest(backend: () => Backend): PerTest {
  const state = {} as { prefix: string; locker: Locker };
  beforeEach(function () {
    state.prefix = backend().prefix();
    state.locker = createLocker(backend().connect(), { prefix: state.prefix, ttl: 5_000, wait: 0 });
  });
  afterEach(async function () {
    await state.locker.close();
  });
  return state;
}
