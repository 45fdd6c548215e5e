import { RedisCluster, type RedisServer } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import type { Cluster } from 'ioredis';
import { createLocker, type Locker, lockKeys, LockRedisError } from '@deadbolt/core';

import { redirectDelay, redirectionOf } from '../src/cluster/redirection.js';

use(chaiAsPromised);

const PREFIX = 'rd';
const CONFIRMED = { wait: 1, timeout: 5_000 } as const;

describe('redirectionOf / redirectDelay: which Cluster answers a confirmed write follows, and how soon', () => {
  it('reads MOVED and ASK with their target, TRYAGAIN, CLUSTERDOWN and READONLY, through causes', () => {
    const wrapped = new Error('Redis acquire failed: MOVED 3999 127.0.0.1:7001', {
      cause: new Error('MOVED 3999 127.0.0.1:7001'),
    });
    expect(redirectionOf(wrapped)).to.deep.equal({
      kind: 'MOVED',
      to: '127.0.0.1:7001',
      reply: 'MOVED 3999 127.0.0.1:7001',
    });
    expect(redirectionOf(new Error('ASK 12 10.0.0.1:6380'))).to.include({ kind: 'ASK', to: '10.0.0.1:6380' });
    for (const kind of ['TRYAGAIN', 'CLUSTERDOWN', 'READONLY'] as const) {
      expect(redirectionOf(new Error(`x: ${kind} some text`))).to.include({ kind });
    }
    expect(redirectionOf(new Error('ERR unknown command'))).to.equal(undefined);
    expect(redirectionOf('MOVED 1 a:1')).to.equal(undefined);
  });

  it('a first MOVED is followed at once; later tries pause 10 ms doubling, at most 200 ms', () => {
    const moved = { kind: 'MOVED', reply: 'MOVED 1 a:1', to: 'a:1' } as const;
    const again = { kind: 'TRYAGAIN', reply: 'TRYAGAIN' } as const;
    expect([1, 2, 3].map((tries) => redirectDelay(moved, tries))).to.deep.equal([0, 20, 40]);
    expect([1, 2, 3, 6, 20].map((tries) => redirectDelay(again, tries))).to.deep.equal([
      10, 20, 40, 200, 200,
    ]);
  });
});

describe('Cluster with the replicas option: a confirmed write follows redirections while the slot map lags', function () {
  this.timeout(60_000);
  let cluster: RedisCluster;
  let client: Cluster;
  const lockers: Locker[] = [];

  /** The master serving `key`'s slot, and another master (which answers MOVED for that slot). */
  const mastersOf = async (
    key: string,
  ): Promise<{ slot: number; owner: RedisServer; other: RedisServer }> => {
    const slot = Number(await client.cluster('KEYSLOT', lockKeys(PREFIX, key).lease));
    const owner = await cluster.slotOwner(slot);
    const other = cluster.servers.slice(0, 3).find((server) => server !== owner)!;
    return { slot, owner, other };
  };
  /**
   * A Cluster client whose slot map names `other` for `slot` and never catches up (its reloads change nothing),
   * as a map reloaded from a node that has not heard of a failover yet; with `unreachable`, the client has no
   * connection to `owner` either, so the MOVED that names it cannot be followed.
   */
  const lagging = (slot: number, other: RedisServer, owner: RedisServer, unreachable = false): Cluster => {
    const real = cluster.client();
    const slots = [...real.slots];
    slots[slot] = [`127.0.0.1:${other.port}`];
    return new Proxy(real, {
      get(target, property) {
        if (property === 'slots') return slots;
        if (property === 'refreshSlotsCache') return (done?: () => void) => done?.();
        if (property === 'nodes' && unreachable)
          return (role: 'all') => target.nodes(role).filter((node) => node.options.port !== owner.port);
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  };
  const locker = (redis: Cluster, ttl = 10_000): Locker => {
    const made = createLocker(redis, { prefix: PREFIX, replicas: CONFIRMED, ttl, commandTimeout: 10_000 });
    lockers.push(made);
    return made;
  };

  before(async () => {
    cluster = await RedisCluster.start({ masters: 3, replicas: 1 });
    client = cluster.client();
    await client.cluster('INFO'); // connected: its slot map is loaded
  });
  afterEach(async () => {
    await Promise.all(lockers.splice(0).map((l) => l.close()));
  });
  after(async () => {
    await cluster.stop();
  });

  it("a MOVED is followed to the master it names although every reload still names the old one: granted, on the owner's replica", async () => {
    const { slot, owner, other } = await mastersOf('lagging');
    const redis = lagging(slot, other, owner);
    await redis.cluster('INFO');
    expect(redis.slots[slot]?.[0], 'the map names another master').to.equal(`127.0.0.1:${other.port}`);
    const made = locker(redis);
    const lock = await made.acquire('lagging', { wait: 0 });
    const [replica] = await cluster.replicasOf(owner);
    const onReplica = replica!.client();
    await onReplica.readonly();
    expect(await onReplica.get(lockKeys(PREFIX, 'lagging').lease), 'confirmed on the owner').to.equal(
      lock.token,
    );
    await lock.extend(); // a renewal follows it too
    expect(lock.held).to.equal(true);
    await lock.release();
  });

  it('a MOVED that cannot be followed: the acquire rejects ERR_LOCK_REDIS after retrying within the ttl, nothing granted', async () => {
    const { slot, owner, other } = await mastersOf('unfollowed');
    const redis = lagging(slot, other, owner, true);
    await redis.cluster('INFO');
    const made = locker(redis, 300);
    const error = await made.acquire('unfollowed', { wait: 0 }).then(
      () => expect.fail('granted through a redirection it could not follow'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(LockRedisError).and.include({ code: 'ERR_LOCK_REDIS' });
    expect((error as Error).message).to.match(
      /slot \d+ was still redirected after \d+ tries .*bound 300 ms.*MOVED/,
    );
    expect(Number(/after (\d+) tries/.exec((error as Error).message)?.[1]), 'retried').to.be.above(1);
    expect(await client.exists(lockKeys(PREFIX, 'unfollowed').lease), 'no lease anywhere').to.equal(0);
    expect(made.heldCount).to.equal(0);
  });
});
