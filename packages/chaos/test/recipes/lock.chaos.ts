// CI recipe (mocha): the harness as one test. Run it with `npx mocha path/to/lock.chaos.ts` (tsx loaded).
// A violation fails the test with a message that says what broke and how to replay it.
import { assertLockCorrect, deadboltAdapter } from '@deadbolt/chaos';

describe('locking under chaos', function () {
  this.timeout(600_000); // virtual time: about 1 000 schedules a minute on 2 cores

  it('the lock keeps its promises through 200 schedules of faults', async () => {
    const runs = Number(process.env['CHAOS_RUNS'] ?? 200);
    await assertLockCorrect(deadboltAdapter(), { runs });
  });
});
