// CI recipe (node:test): the same assertion in Node's own runner. node --import tsx --test lock.node-test.ts
import { test } from 'node:test';
import { assertLockCorrect, deadboltAdapter } from '@deadbolt/chaos';

void test('the lock keeps its promises under chaos', { timeout: 600_000 }, async () => {
  await assertLockCorrect(deadboltAdapter(), { runs: Number(process.env['CHAOS_RUNS'] ?? 200) });
});
