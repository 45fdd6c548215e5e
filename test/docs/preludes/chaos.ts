// Prelude "chaos" for documentation code blocks (see test/docs/codeBlocks.test.ts): the harness, imported in the
// README's first example, and the adapter of the lock under test.
import { runChaos, type LockAdapter } from '@deadbolt/chaos';

declare const lock: LockAdapter;

export {};
