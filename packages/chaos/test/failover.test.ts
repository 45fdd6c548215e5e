import { RedisReplicaSet, waitUntil } from '@deadbolt/testing';
import { createLocker, lockKeys, LockRedisError } from '@deadbolt/core';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import {
  History,
  checkHistory,
  deadboltAdapter,
  runChaos,
  type ChaosOptions,
  type ChaosResult,
  type Violation,
} from '@deadbolt/chaos';
import { noFaults } from '../src/world/ConnectionFaults.js';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import { FaultProxy } from '../src/real/FaultProxy.js';
import { resolveChaosOptions } from '../src/options.js';
import { explain } from './support/explain.js';

const ttl = 1000;

/**
 * c0 is granted fence 10 and a failover (replication held 50 ms) follows; the promoted replica never had that
 * grant, so c1 is granted the same fence while c0 still holds; long after, c2 is granted 20 and c3 then 15.
 */
function failoverHistory(replicaConfirmed: boolean): Violation[] {
  let t = 0;
  const params = { ttl, driftFactor: 0.01, retryBound: 200, renews: true, replicaConfirmed };
  const history = new History(params, () => t);
  const granted = (client: number, at: number, fence: number): void => {
    t = at;
    const op = history.invoke(client, 'acquire', 'k', { ttl, wait: 0 });
    t = at + 1;
    history.complete(op, 'ok', { token: `t${client}`, fence });
  };
  granted(0, 0, 10);
  t = 100;
  history.fault({ kind: 'failover', node: 0, duration: 50, beyond: !replicaConfirmed });
  granted(1, 300, 10);
  granted(2, 5_000, 20);
  granted(3, 5_100, 15);
  return checkHistory(history);
}

/** A passing real-backend run of 25-step schedules whose only fault is `failover`, which it drew. */
async function failoverRun(options: ChaosOptions): Promise<ChaosResult> {
  const result = await runChaos({
    backend: 'redis',
    topology: 'replicated',
    faults: ['failover'],
    operations: 25,
    ...options,
  });
  expect(result.verdict, explain(result)).to.equal('pass');
  expect(result.statistics.steps['failover'], explain(result)).to.be.greaterThan(0);
  return result;
}

describe('the failover fault (topology replicated: a master and one replica)', function () {
  // Real redis-server processes (a master, a replica) and real time, on a shared machine.
  this.timeout(60_000);

  it('without replica confirmation, a repeated fence up to the highest before the promotion is the documented limit', () => {
    const violations = failoverHistory(false);
    const repeated = violations.filter((v) => v.clients.includes(1));
    expect(repeated.map((v) => v.invariant)).to.include('S4');
    for (const v of repeated) {
      expect(v.label, v.message).to.equal('beyond-bounds');
      expect(v.message).to.include('documented limit').and.include('topologies.md');
    }
    // Fence 15 after 20, both granted long after the promotion, is above every fence the failover could lose.
    const late = violations.find((v) => v.invariant === 'S4' && v.clients.includes(3));
    expect(late?.label, late?.message).to.equal('bug');
  });

  it('with replica confirmation the failover is within the bounds: the same history is a bug', () => {
    const violations = failoverHistory(true);
    expect(violations.filter((v) => v.clients.includes(1)).map((v) => v.label)).to.include('bug');
    expect(violations.every((v) => !v.message.includes('documented limit'))).to.equal(true);
  });

  it('a lease released during the hold that comes back on the promoted replica is no S7; without a failover it is', () => {
    const cameBack = (failover: boolean): string[] => {
      let t = 0;
      const params = { ttl, driftFactor: 0.01, retryBound: 200, renews: true, leases: 'sampled' as const };
      const history = new History(params, () => t);
      const op = history.invoke(0, 'acquire', 'k', { ttl, wait: 0 });
      t = 1;
      history.complete(op, 'ok', { token: 'a', fence: 10 });
      history.push({ type: 'lease', t: 5, key: 'k', owner: 'a', expireAt: 1_005 });
      t = 100;
      if (failover) history.fault({ kind: 'failover', node: 0, duration: 50, beyond: false });
      history.push({ type: 'lease', t: 120, key: 'k', owner: null, expireAt: null });
      history.push({ type: 'lease', t: 300, key: 'k', owner: 'a', expireAt: 1_005 });
      return checkHistory(history)
        .filter((v) => v.invariant === 'S7')
        .map((v) => v.message);
    };
    expect(cameBack(true)).to.deep.equal([]);
    expect(cameBack(false).join('\n')).to.include('the lease came back');
  });

  it('is drawn only when asked for, on topology replicated; --replica-wait gives deadbolt its replicas option', () => {
    expect(resolveChaosOptions({ backend: 'redis', topology: 'replicated' }).faults).not.to.include(
      'failover',
    );
    expect(() => resolveChaosOptions({ backend: 'redis', faults: ['failover'] })).to.throw(
      RangeError,
      /failover needs topology replicated/,
    );
    expect(() => resolveChaosOptions({ topology: 'replicated' })).to.throw(RangeError, /needs backend redis/);
    const [run] = parseCliArgs([
      '--backend=redis',
      '--topology=replicated',
      '--faults=failover',
      '--replica-wait=1',
    ]).runs;
    expect(run?.options.lock?.replicaConfirmed).to.equal(true);
    expect(deadboltAdapter().replicaConfirmed).to.equal(false);
  });

  it('fails a real master over while clients hold and wait; without the option what it breaks is labelled', async () => {
    const result = await failoverRun({ runs: 2, ttl, seed: 1 });
    expect(result.statistics.grants, explain(result)).to.be.greaterThan(0);
    // Replication held back for up to a ttl while five clients contend: grants the replica never had are lost at
    // the promotion (seeds 1 to 4 each lost some). Reported as the documented limit, never as a silent pass.
    expect(result.beyondBounds, explain(result)).not.to.be.empty;
    for (const v of result.beyondBounds) expect(v.message).to.include('documented limit');
    expect(result.summary).to.include('excused as beyond the stated bounds');
  });

  // Seed 5 broke mutual exclusion and fence order before the re-sent WAIT was caught (the next test).
  it("with --replica-wait 1 (deadbolt's replicas: { wait: 1 }) failovers break nothing", async () => {
    const result = await failoverRun({ runs: 3, seed: 5, lock: deadboltAdapter({ replicas: { wait: 1 } }) });
    expect(result.beyondBounds, explain(result)).to.be.empty;
  });

  // Found by the run above (seed 5): ioredis re-sends an unanswered WAIT after a reconnect, and on the promoted
  // replica, which never had the grant, WAIT counted its replica for that new connection: the grant was trusted.
  it('a WAIT re-sent on the connection to the promoted replica confirms nothing: the acquire rejects', async () => {
    const set = await RedisReplicaSet.start({ replicas: 1 });
    const proxy = await FaultProxy.start(set.master.port, noFaults());
    const redis = new Redis({ host: '127.0.0.1', port: proxy.port });
    redis.on('error', () => {}); // the retarget resets its connection: it reconnects
    const locker = createLocker(redis, { prefix: 'r', replicas: { wait: 1, timeout: 2_000 } });
    try {
      const lease = lockKeys('r', 'order').lease;
      const master = set.master.client();
      set.holdReplication(set.replicas[0]!);
      const acquiring = locker.acquire('order', { wait: 0 });
      // The grant script ran on the master; its WAIT waits for the held replica.
      await waitUntil(async () => (await master.get(lease)) !== null, {
        description: 'the grant on the master',
      });
      const promoted = await set.promote();
      proxy.retarget(promoted.port);
      const refused = await acquiring.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused).to.be.instanceOf(LockRedisError);
      expect((refused as Error).message).to.include('re-established before WAIT answered');
      expect(await promoted.client().get(lease), 'the promoted replica never had the grant').to.equal(null);
    } finally {
      await locker.close();
      redis.disconnect();
      await proxy.close();
      await set.stop();
    }
  });
});
