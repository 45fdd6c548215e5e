import { busyCases } from './busyCases.js';
import { failureCases } from './failureCases.js';
import type { Harness } from './Harness.js';
import { keyCases } from './keyCases.js';
import { metricsCases } from './metricsCases.js';
import { modeCases } from './modeCases.js';
import { modeFailureCases } from './modeFailureCases.js';
import { releaseCases } from './releaseCases.js';
import { retryAfterCases } from './retryAfterCases.js';
import { serializationCases } from './serializationCases.js';
import { useSuiteContext, type SuiteBackend } from './SuiteContext.js';

/**
 * The behavioural suite every request-lock adapter must pass, against real HTTP servers and a real Redis
 * (or, with `backend: 'mock'`, ioredis-mock; the Redis-outage case still starts a real server).
 * Call it once per framework version.
 *
 * @example
 * ```ts
 * describeRequestLock(myHarness)
 * describeRequestLock(myHarness, { backend: 'mock' })
 * ```
 */
export function describeRequestLock(
  harness: Harness,
  options: { readonly backend?: SuiteBackend } = {},
): void {
  const backend = options.backend ?? 'redis';
  const on = backend === 'mock' ? ' (ioredis-mock)' : '';
  describe(`request lock on ${harness.name}${on}`, () => {
    const context = useSuiteContext(harness, backend);
    describe('serialization', () => serializationCases(context));
    describe('busy answers', () => busyCases(context));
    describe('Retry-After', () => retryAfterCases(context));
    describe('locker metrics', () => metricsCases(context));
    describe('release', () => releaseCases(context));
    describe('failures', () => failureCases(context));
    describe('keys', () => keyCases(context, harness));
    describe('mode and limit', () => modeCases(context));
    describe('mode and limit misconfigured', () => modeFailureCases(context));
  });
}
