// Issue 17, defect 5: the quorum backend's lease bookkeeping leaked one entry (~170 B) per acquire aborted
// while its attempt was in flight: the clean-up release deleted the entry before the attempt's answer stored it.
import { expect, waitNoLease } from '../quorumHelpers.js';
import { useQuorumLocker } from './support/quorumLocker.js';

/** Aborted acquires per run. */
const ABORTED = 60;

describe('safety: quorum bookkeeping after aborted acquires (issue 17, defect 5)', function () {
  this.timeout(60_000);
  const quorum = useQuorumLocker(3, { ttl: 10_000 });

  /** Every reply owed to the locker's connections has arrived and its handlers have run. */
  async function settled(): Promise<void> {
    await Promise.all(quorum.clients.map((client) => client.ping()));
    await new Promise((resolve) => setImmediate(resolve));
  }

  it(`keeps no entry after ${ABORTED} acquires aborted mid-flight, and nothing stays in Redis`, async () => {
    const keys = Array.from({ length: ABORTED }, (_, i) => `aborted-${i}`);
    const outcomes = await Promise.allSettled(
      keys.map(async (key, i) => {
        const controller = new AbortController();
        const acquiring = quorum.locker.acquire(key, { signal: controller.signal });
        // The attempt was sent synchronously: aborted at once or on a microtask, it is still in flight.
        if (i % 2 === 0) controller.abort();
        else queueMicrotask(() => controller.abort());
        return acquiring;
      }),
    );
    expect(outcomes.map((o) => o.status)).to.deep.equal(keys.map(() => 'rejected'));
    await settled();
    expect(quorum.backend.trackedLeases, 'entries left in the bookkeeping').to.equal(0);
    for (const key of keys) await waitNoLease(quorum.clients, key);
  });

  it('a held lock has one entry until it is released', async () => {
    const before = quorum.backend.trackedLeases;
    const lock = await quorum.locker.acquire('held');
    expect(quorum.backend.trackedLeases).to.equal(before + 1);
    expect(await lock.release()).to.equal(true);
    expect(quorum.backend.trackedLeases).to.equal(before);
  });
});
