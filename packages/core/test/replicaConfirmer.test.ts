import { expect } from 'chai';
import { LockRedisError, LockReplicationError } from '../src/index.js';
import type { Renewal } from '../src/lease/RenewalBatcher.js';
import { ReplicaConfirmer, type WaitingClient } from '../src/replicas/ReplicaConfirmer.js';
import { lockTarget } from '../src/keys/target.js';

/** A connection whose `WAIT` answers `answer` (or rejects with it), counting the calls. */
function waitingClient(answer: number | Error): { client: WaitingClient; waits: number } {
  const counted = { client: undefined as unknown as WaitingClient, waits: 0 };
  counted.client = {
    wait: () => {
      counted.waits++;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  } as unknown as WaitingClient;
  return counted;
}

const renewals: Renewal[] = ['a', 'b', 'c'].map((key) => ({
  target: lockTarget('p', [key]),
  token: `t-${key}`,
  ttl: 1_000,
}));

// The batch step of the replicas option: one WAIT per renewal batch, and per lease the outcome a renewal of
// that one lock gets from `confirm` (integration: replicasRenewal.test.ts, on a real replica).
describe('ReplicaConfirmer.confirmRenewals: one WAIT per batch, one-lock outcomes per lease', () => {
  it('enough replicas: the extended leases are true, a lease no longer ours stays false; one WAIT', async () => {
    const counted = waitingClient(2);
    const confirmer = new ReplicaConfirmer(counted.client, { wait: 2, timeout: 50 }, 1_000);
    expect(await confirmer.confirmRenewals(renewals, [true, false, true])).to.deep.equal([true, false, true]);
    expect(counted.waits).to.equal(1);
  });

  it('too few: each extended lease gets its own LockReplicationError naming its lock', async () => {
    const counted = waitingClient(1);
    const confirmer = new ReplicaConfirmer(counted.client, { wait: 2, timeout: 50 }, 1_000);
    const [a, b, c] = await confirmer.confirmRenewals(renewals, [true, false, true]);
    expect(a).to.be.instanceOf(LockReplicationError).and.include({ key: 'a', required: 2, acknowledged: 1 });
    expect(b).to.equal(false);
    expect(c).to.be.instanceOf(LockReplicationError).and.include({ key: 'c', required: 2, acknowledged: 1 });
    expect(counted.waits).to.equal(1);
  });

  it('a failed WAIT: each extended lease gets the LockRedisError, a lease no longer ours stays false', async () => {
    const counted = waitingClient(new Error('connection lost'));
    const confirmer = new ReplicaConfirmer(counted.client, { wait: 1, timeout: 50 }, 1_000);
    const [a, b, c] = await confirmer.confirmRenewals(renewals, [true, false, true]);
    expect(a)
      .to.be.instanceOf(LockRedisError)
      .and.have.property('message')
      .that.matches(/WAIT failed/);
    expect(b).to.equal(false);
    expect(c).to.equal(a);
    await confirmer.confirm('a').then(
      () => expect.fail('confirmed through a failed WAIT'),
      (error: unknown) => expect(error).to.be.instanceOf(LockRedisError),
    );
  });

  it('no lease extended: nothing to confirm, no WAIT sent', async () => {
    const counted = waitingClient(0);
    const confirmer = new ReplicaConfirmer(counted.client, { wait: 1, timeout: 50 }, 1_000);
    expect(await confirmer.confirmRenewals(renewals, [false, false, false])).to.deep.equal([
      false,
      false,
      false,
    ]);
    expect(counted.waits).to.equal(0);
  });
});
