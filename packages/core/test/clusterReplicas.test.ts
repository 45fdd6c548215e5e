import { once } from 'node:events';

import { RedisCluster, type RedisServer, waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import type { Cluster } from 'ioredis';
import { Cluster as ValkeyCluster } from 'iovalkey';
import { createLocker, type Lock, type Locker, lockKeys, LockReplicationError } from '@deadbolt/core';

import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { nextRound } from './support/nextRound.js';
import { waiting } from './support/waiting.js';

use(chaiAsPromised);

const PREFIX = 'cr';
/** WAIT blocks until the replica acknowledged (or 5 s): no test waits on time, only on the acknowledgement. */
const CONFIRMED = { wait: 1, timeout: 5_000 } as const;
/** A replica that does not answer within 50 ms fails the confirmation. */
const IMPATIENT = { wait: 1, timeout: 50 } as const;
/**
 * For a replica paused, then resumed: it fails the confirmation while paused (after 2 s) and, once resumed,
 * answers well within 2 s even on a loaded machine (50 ms was too short for a process just woken by SIGCONT).
 */
const RESUMABLE = { wait: 1, timeout: 2_000 } as const;

describe('Cluster with the replicas option: WAIT on the connection to the slot master that ran the script', function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  let client: Cluster;
  const lockers: Locker[] = [];
  // The old master pauses writes during a manual failover until its replica caught up: commands wait that out.
  const locker = (replicas: { wait: number; timeout: number } = CONFIRMED, ttl = 10_000): Locker => {
    const made = createLocker(cluster.client(), { prefix: PREFIX, replicas, ttl, commandTimeout: 10_000 });
    lockers.push(made);
    return made;
  };
  const masterOf = async (key: string): Promise<RedisServer> =>
    cluster.slotOwner(Number(await client.cluster('KEYSLOT', lockKeys(PREFIX, key).lease)));
  const replicaOf = async (key: string): Promise<RedisServer> => {
    const [replica] = await cluster.replicasOf(await masterOf(key));
    return replica!;
  };
  /** The value of `key`'s lease (its owner token) as the replica of its slot's master has it. */
  const onReplica = async (key: string, field: 'lease' | 'fence' = 'lease'): Promise<string | null> => {
    const replica = (await replicaOf(key)).client();
    await replica.readonly();
    return replica.get(lockKeys(PREFIX, key)[field]);
  };
  /** Two keys whose slots are served by different masters. */
  const keysOnTwoMasters = async (): Promise<[string, string]> => {
    const first = 'account:0';
    const owner = await masterOf(first);
    for (let i = 1; ; i += 1) {
      if ((await masterOf(`account:${i}`)) !== owner) return [first, `account:${i}`];
    }
  };
  /** Runs `body` while `server` is paused (SIGSTOP): it acknowledges nothing. */
  const whilePaused = async <T>(server: RedisServer, body: () => Promise<T>): Promise<T> => {
    server.pause();
    try {
      return await body();
    } finally {
      server.resume();
    }
  };

  /**
   * Resolves once a failover from `demoted` to `promoted` completed on every node: `promoted` reports role
   * master with `demoted` a connected replica, `demoted` reports role slave of `promoted` with its link up, and
   * every node's CLUSTER NODES names `promoted` a master and `demoted` its replica.
   */
  const failoverCompleted = (promoted: RedisServer, demoted: RedisServer): Promise<void> =>
    waitUntil(
      async () => {
        const [master, replica] = await Promise.all([promoted, demoted].map((s) => roleOf(s)));
        if (master?.[0] !== 'master' || replica?.[0] !== 'slave') return false;
        const replicas = (master[2] ?? []) as string[][];
        if (!replicas.some((r) => Number(r[1]) === demoted.port)) return false;
        if (Number(replica[2]) !== promoted.port || replica[3] !== 'connected') return false;
        const views = await Promise.all(
          cluster.servers.map(async (s) => String(await s.client().call('CLUSTER', 'NODES'))),
        );
        return views.every((view) => agreesOn(view, promoted.port, demoted.port));
      },
      {
        timeoutMs: 30_000,
        intervalMs: 50,
        description: `port ${promoted.port} promoted, ${demoted.port} its replica`,
      },
    );

  before(async () => {
    cluster = await RedisCluster.start({ masters: 3, replicas: 1 });
    client = cluster.client();
  });
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map((l) => l.close()));
  });
  after(async () => {
    await cluster.stop();
  });

  it("a grant is returned only once its slot master's replica has it (lease and fence read on that replica)", async () => {
    const lock = await locker().acquire('order');
    expect(await onReplica('order')).to.equal(lock.token);
    expect(Number(await onReplica('order', 'fence'))).to.equal(lock.fence);
  });

  it('iovalkey Cluster: the same confirmation on the slot master, and refusal with its replica paused', async () => {
    const valkey = new ValkeyCluster([...cluster.nodes]);
    valkey.on('error', () => {});
    try {
      await once(valkey, 'ready'); // under load its first slot map can take longer than a command timeout
      const made = createLocker(valkey, { prefix: PREFIX, replicas: CONFIRMED });
      lockers.push(made);
      const lock = await made.acquire('valkey');
      expect(await onReplica('valkey')).to.equal(lock.token);
      const impatient = createLocker(valkey, { prefix: PREFIX, replicas: IMPATIENT });
      lockers.push(impatient);
      await expect(
        whilePaused(await replicaOf('valkey-paused'), () => impatient.acquire('valkey-paused', { wait: 0 })),
      ).to.be.rejectedWith(LockReplicationError);
      await Promise.all(lockers.splice(0).map((l) => l.close()));
    } finally {
      valkey.disconnect();
    }
  });

  it("a lock across slots is returned only once every involved master's replica has it", async () => {
    const keys = await keysOnTwoMasters();
    expect(await replicaOf(keys[0])).to.not.equal(await replicaOf(keys[1]));
    const lock = await locker().acquire(keys);
    for (const key of keys) expect(await onReplica(key), key).to.equal(lock.token);
  });

  it('replica paused: the grant is released and the acquire rejects LockReplicationError at once, nothing left', async () => {
    const made = locker(IMPATIENT);
    const error = await whilePaused(await replicaOf('paused'), () =>
      made.acquire('paused', { wait: 20_000 }).then(
        () => expect.fail('granted without a replica'),
        (e: unknown) => e,
      ),
    );
    expect(error).to.be.instanceOf(LockReplicationError);
    expect(error).to.include({ code: 'ERR_LOCK_REPLICAS', key: 'paused', required: 1, acknowledged: 0 });
    const keys = lockKeys(PREFIX, 'paused');
    expect(await client.exists(keys.lease, keys.queue), 'nothing of the grant stays on the master').to.equal(
      0,
    );
    expect(await client.exists(keys.fence), 'the grant was made, then released').to.equal(1);
    expect(made.heldCount).to.equal(0);
  });

  it('one replica of a lock across slots paused: LockReplicationError, nothing left on either master', async () => {
    const keys = await keysOnTwoMasters();
    const made = locker(IMPATIENT);
    const error = await whilePaused(await replicaOf(keys[1]), () =>
      made.acquire(keys, { wait: 20_000 }).then(
        () => expect.fail('granted without every replica'),
        (e: unknown) => e,
      ),
    );
    expect(error).to.be.instanceOf(LockReplicationError).and.include({ key: keys[1] });
    for (const key of keys) {
      const { lease, queue } = lockKeys(PREFIX, key);
      expect(await client.exists(lease, queue), `nothing of ${key} stays`).to.equal(0);
    }
    expect(made.heldCount).to.equal(0);
  });

  it('an unconfirmed renewal fails: extend() rejects LockReplicationError, one slot or several', async () => {
    const made = locker(RESUMABLE);
    const single = await made.acquire('renewed');
    await expect(whilePaused(await replicaOf('renewed'), () => single.extend())).to.be.rejectedWith(
      LockReplicationError,
    );
    const keys = await keysOnTwoMasters();
    const across = await made.acquire(keys);
    await expect(whilePaused(await replicaOf(keys[0]), () => across.extend())).to.be.rejectedWith(
      LockReplicationError,
    );
    await single.extend(); // confirmed again once the replica answers
    await across.extend();
  });

  it('renewals batch per slot: one script and one WAIT per slot and round, nothing lost', async () => {
    // The three slots that most of 30 000 candidate keys fall into, and their keys.
    const bySlot = new Map<number, string[]>();
    for (let i = 0; i < 30_000; i++) {
      const key = `c${i}`;
      const slot = clusterSlot(lockKeys(PREFIX, key).lease);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
    }
    const slots = [...bySlot.values()].sort((a, b) => b.length - a.length).slice(0, 3);
    const keys = slots.flat();
    expect(keys.length, 'several keys per slot').to.be.greaterThan(slots.length * 3);
    const made = locker(CONFIRMED, 4_000);
    const lost: string[] = [];
    made.on('lost', ({ key }) => lost.push(key));
    // Each may wait: under load a grant can come too late for its ttl, and is then abandoned and taken again.
    await Promise.all(keys.map((key) => made.acquire(key, { wait: 30_000 })));
    // The first renewals may fall on two aligned moments (the acquires took time); from then on, one.
    await nextRound(made, keys);
    const masters = cluster.servers.slice(0, 3);
    await Promise.all(masters.map((server) => server.resetStats()));
    await nextRound(made, keys);
    const stats = await Promise.all(masters.map((server) => server.commandStats()));
    const count = (name: string): number => stats.reduce((sum, s) => sum + (s[name] ?? 0), 0);
    expect(count('evalsha') + count('eval'), `${keys.length} renewals in ${slots.length} slots`).to.equal(
      slots.length,
    );
    expect(count('wait'), 'one WAIT per renewal script').to.equal(slots.length);
    expect(lost).to.deep.equal([]);
    expect(made.heldCount).to.equal(keys.length);
  });

  // Last: it moves a slot to another master.
  it('a manual failover (CLUSTER FAILOVER) with the lock held and waited for: mutual exclusion holds, fences increase', async () => {
    const holder = locker();
    const lock = await holder.acquire('failover');
    const other = locker();
    const waiter = await waiting(other, 'failover');
    let released = false;
    const granted = waiter.settled.then((next: Lock) => ({ next, afterRelease: released }));
    granted.catch(() => {}); // awaited below, where a rejection (such as a redirection not followed) fails the test
    const master = await masterOf('failover');
    const replica = await replicaOf('failover');
    await cluster.failover(replica);
    await failoverCompleted(replica, master);
    expect(await masterOf('failover'), 'the replica was promoted').to.equal(replica);
    expect(await locker().tryAcquire('failover'), 'the lease is on the promoted replica').to.equal(null);
    // The extend follows MOVED to the promoted replica and is confirmed there by its replica, the old master.
    await lock.extend();
    expect(lock.held).to.equal(true);
    expect(await replicaOf('failover'), 'the old master replicates the new one').to.equal(master);
    released = true;
    await lock.release();
    const { next, afterRelease } = await granted;
    expect(afterRelease, 'the waiter was granted only after the release').to.equal(true);
    expect(next.fence).to.be.above(lock.fence);
    expect(await onReplica('failover'), "the waiter's grant is confirmed by the old master").to.equal(
      next.token,
    );
  });
});

/** The ROLE reply of `server`. */
async function roleOf(server: RedisServer): Promise<unknown[]> {
  return (await server.client().call('ROLE')) as unknown[];
}

/** Whether a CLUSTER NODES reply names the node on `masterPort` a master and the one on `replicaPort` its replica. */
function agreesOn(view: string, masterPort: number, replicaPort: number): boolean {
  const lines = view
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const master = lines.find((fields) => fields[1]?.includes(`:${masterPort}@`));
  const replica = lines.find((fields) => fields[1]?.includes(`:${replicaPort}@`));
  if (!master || !replica) return false;
  const flags = (fields: string[]): string[] => fields[2]?.split(',') ?? [];
  return (
    flags(master).includes('master') &&
    !flags(master).includes('fail') &&
    flags(replica).includes('slave') &&
    replica[3] === master[0]
  );
}
