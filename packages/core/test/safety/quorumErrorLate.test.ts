// Issue 17, defect 6: after a failed quorum attempt, the clean-up release took the locker's default ttl for its
// per-node timeout (it did not know the attempt's ttl), so `QuorumError` reached the caller only after that
// longer timeout instead of the attempt's own per-node timeout.
import { QuorumError } from '../../src/index.js';
import { quorumNodeTimeout } from '../../src/quorum/nodeTimeout.js';
import { bringBack, expect, waitNoLease } from '../quorumHelpers.js';
import { useQuorumLocker } from './support/quorumLocker.js';

/** The locker's defaults: a per-node timeout of 60 s for a clean-up that uses them. */
const LOCKER = { ttl: 600_000, commandTimeout: 60_000 } as const;
/** The acquire's ttl: a per-node timeout of 200 ms. */
const TTL = 2_000;
/**
 * Generous for the attempt's timeout plus its clean-up's (2 × 200 ms) on a loaded machine, and far below the
 * clean-up that waits the locker's default per-node timeout (60 s).
 */
const BOUND_MS = 10_000;

describe('safety: QuorumError arrives after the per-node timeout (issue 17, defect 6)', function () {
  this.timeout(90_000);
  const quorum = useQuorumLocker(3, LOCKER);

  it('with a majority of masters stalled, the QuorumError comes before a bound far below the default timeout', async () => {
    expect(quorumNodeTimeout(LOCKER.ttl, LOCKER.commandTimeout)).to.equal(60_000);
    expect(quorumNodeTimeout(TTL, LOCKER.commandTimeout)).to.equal(200);
    const stalled = quorum.masters.servers.slice(1);
    for (const server of stalled) server.pause();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'bound'>((resolve) => (timer = setTimeout(resolve, BOUND_MS, 'bound')));
    try {
      const first = await Promise.race([
        quorum.locker.acquire('stalled', { ttl: TTL, wait: 0 }).then(
          () => 'granted' as const,
          (error: unknown) => error,
        ),
        bound,
      ]);
      expect(first, 'what came first').to.be.instanceOf(QuorumError);
      const nodes = (first as QuorumError).nodes.map((node) => node.outcome);
      expect(nodes[1]).to.be.oneOf(['error', 'pending']);
      expect(nodes[2]).to.be.oneOf(['error', 'pending']);
    } finally {
      clearTimeout(timer);
      await bringBack(stalled, quorum.clients);
    }
    // The stalled masters ran the attempt when they resumed, then its clean-up: nothing stays.
    await waitNoLease(quorum.clients, 'stalled');
    expect(quorum.backend.trackedLeases).to.equal(0);
  });
});
