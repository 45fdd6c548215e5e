import { busyCases } from './busyCases.js';
import { failureCases } from './failureCases.js';
import type { Harness } from './Harness.js';
import { keyCases } from './keyCases.js';
import { releaseCases } from './releaseCases.js';
import { serializationCases } from './serializationCases.js';
import { useSuiteContext } from './SuiteContext.js';

/**
 * The behavioural suite every request-lock adapter must pass, against real HTTP servers and a real Redis.
 * Call it once per framework version.
 */
export function describeRequestLock(harness: Harness): void {
  describe(`request lock on ${harness.name}`, () => {
    const context = useSuiteContext(harness);
    describe('serialization', () => serializationCases(context));
    describe('busy answers', () => busyCases(context));
    describe('release', () => releaseCases(context));
    describe('failures', () => failureCases(context));
    describe('keys', () => keyCases(context));
  });
}
