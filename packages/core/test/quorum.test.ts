import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import { RedisMasters, waitUntil } from '@deadbolt/testing';
import { createLocker, lockKeys, LockLostError, QuorumError, type Lock } from '../src/index.js';
import { quorumNodeTimeout } from '../src/quorum/nodeTimeout.js';
import { bringBack, expect, nextEvents, takeDown, waitNoLease, type Outage } from './quorumHelpers.js';
import { describeEachClient, twinsReady } from './support/clientKinds.js';

describeEachClient('quorum (Redlock) on independent masters', function (kind) {
  this.timeout(60_000);
  let masters: RedisMasters;
  let clients: Redis[];
  let n = 0;
  const fresh = (): string => `quorum-${(n += 1)}`;

  before(async () => {
    masters = await RedisMasters.start(5);
    clients = masters.clients();
    await Promise.all(clients.map((client) => client.ping())); // connected before the first timed vote
    kind.twin(clients); // the lock's clients of this library, made up front
    await twinsReady(clients);
  });
  after(async () => {
    await masters.stop();
  });
  afterEach(async () => {
    await bringBack(masters.servers, clients);
  });

  for (const size of [3, 5]) {
    it(`acquire succeeds iff the reachable masters form a majority, for every subset of ${size} down`, async function () {
      // 2^size outages, each killed or paused and brought back: ~15 s on an idle machine, 60 s seen on a loaded one.
      this.timeout(180_000);
      const servers = masters.servers.slice(0, size);
      const nodes = clients.slice(0, size);
      // A per-node timeout of 300 ms (a tenth of the ttl): a healthy master answers within it on a loaded machine.
      const locker = createLocker(kind.twin(nodes), { ttl: 3_000 });
      for (let mask = 0; mask < 2 ** size; mask += 1) {
        const down = servers.flatMap((_, i) => ((mask >> i) & 1 ? [i] : []));
        // Both kinds of outage, mixed: kill for odd node index when the mask is odd, pause otherwise.
        const outage = (i: number): Outage => ((i + mask) % 2 === 1 ? 'kill' : 'pause');
        for (const i of down) await takeDown(servers[i]!, outage(i));
        const key = fresh();
        const majority = size - down.length >= Math.floor(size / 2) + 1;
        const label = `${size} masters, down ${JSON.stringify(down.map((i) => `${i}:${outage(i)}`))}`;
        try {
          const lock = await locker.acquire(key, { wait: 0, renew: false });
          expect(majority, `${label}: granted without a majority`).to.equal(true);
          expect(lock.remaining()).to.be.greaterThan(0);
          expect(await lock.release(), label).to.equal(true);
        } catch (error) {
          expect(majority, `${label}: refused with a majority (${String(error)})`).to.equal(false);
          expect(error, label).to.be.instanceOf(QuorumError);
          const detail = (error as QuorumError).nodes;
          for (const i of down) expect(detail[i]?.outcome, label).to.be.oneOf(['error', 'pending']);
        }
        await bringBack(servers, nodes);
        await waitNoLease(nodes, key);
      }
      await locker.close();
    });
  }

  it('one master paused: acquire decides without waiting for it, and it keeps no stale lease', async () => {
    const nodes = clients.slice(0, 3);
    // A per-node timeout of 10 s: an acquire or release that waited for the paused master would take that long.
    const ttl = 100_000;
    const commandTimeout = 20_000;
    const nodeTimeout = quorumNodeTimeout(ttl, commandTimeout);
    const locker = createLocker(kind.twin(nodes), { ttl, commandTimeout });
    const key = fresh();
    masters.servers[0]!.pause();
    const began = performance.now();
    const lock = await locker.acquire(key, { renew: false });
    expect(await lock.release()).to.equal(true);
    const took = performance.now() - began;
    expect(took, 'decided on the two healthy masters').to.be.lessThan(nodeTimeout / 2);
    masters.servers[0]!.resume();
    // The paused master ran the queued grant and then the release: nothing of ours is left there.
    await waitNoLease(nodes, key);
    masters.servers[1]!.pause();
    const next = await locker.acquire(key, { wait: 0 });
    expect(next.fence).to.be.greaterThan(lock.fence);
    await next.release();
    await locker.close();
  });

  it('two of three masters paused longer than the ttl: QuorumError, no lock, no partial grant', async () => {
    const nodes = clients.slice(0, 3);
    const ttl = 500;
    const locker = createLocker(kind.twin(nodes), { ttl });
    const key = fresh();
    masters.servers[1]!.pause();
    masters.servers[2]!.pause();
    const pausedAt = performance.now();
    const error: unknown = await locker.acquire(key, { wait: 2_000 }).then(
      (lock: Lock) => lock,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(QuorumError);
    const quorum = error as QuorumError;
    expect(quorum.code).to.equal('ERR_LOCK_QUORUM');
    expect(quorum.nodes.map((node) => node.outcome)).to.deep.equal(['granted', 'error', 'error']);
    expect(locker.heldCount).to.equal(0);
    // Partial grant on master 0 released at once; the paused ones run grant then drop when resumed.
    expect(await nodes[0]!.exists(`deadbolt:{${key}}`)).to.equal(0);
    // The fault: both stay stopped for longer than the ttl.
    await waitUntil(() => performance.now() - pausedAt > ttl + 100, { timeoutMs: 5 * ttl, intervalMs: 50 });
    masters.servers[1]!.resume();
    masters.servers[2]!.resume();
    await waitNoLease(nodes, key);
    await locker.close();
  });

  it('a busy majority refuses (LockBusyError after wait), it is not a QuorumError', async () => {
    const locker = createLocker(kind.twin(clients.slice(0, 3)), { ttl: 2_000 });
    const key = fresh();
    const holder = await locker.acquire(key);
    masters.servers[0]!.pause();
    await expect(locker.acquire(key, { wait: 200 })).to.be.rejected.then((e: unknown) =>
      expect((e as Error).name).to.equal('LockBusyError'),
    );
    expect(await holder.release()).to.equal(true);
    await locker.close();
  });

  it('an acquire that times out or is aborted leaves no queue entry on any master', async () => {
    const nodes = clients.slice(0, 3);
    const locker = createLocker(kind.twin(nodes), { ttl: 2_000 });
    const key = fresh();
    const { queue, queueExpiry } = lockKeys('deadbolt', key);
    const holder = await locker.acquire(key);
    const queuesLeft = async (): Promise<number> =>
      (await Promise.all(nodes.map((node) => node.exists(queue, queueExpiry)))).reduce((a, b) => a + b, 0);
    await expect(locker.acquire(key, { wait: 300 })).to.be.rejected.then((e: unknown) =>
      expect((e as Error).name).to.equal('LockBusyError'),
    );
    expect(await queuesLeft(), 'queue keys left after a timeout').to.equal(0);
    const controller = new AbortController();
    const waiting = locker.acquire(key, { wait: 10_000, signal: controller.signal });
    await waitUntil(async () => (await queuesLeft()) > 0, { description: 'the waiter to queue' });
    controller.abort(new Error('gave up'));
    await expect(waiting).to.be.rejectedWith('gave up');
    expect(await queuesLeft(), 'queue keys left after an abort').to.equal(0);
    expect(await holder.release()).to.equal(true);
    await locker.close();
  });

  it('renewal keeps a quorum lock alive with one master down and signals loss when the majority is gone', async () => {
    const locker = createLocker(kind.twin(clients.slice(0, 3)), { ttl: 600 });
    const lock = await locker.acquire(fresh());
    await masters.servers[0]!.kill();
    await nextEvents(locker, 'extended', 3);
    expect(lock.held).to.equal(true);
    const lost = new Promise<unknown>((resolve) =>
      lock.signal.addEventListener('abort', () => resolve(lock.signal.reason), { once: true }),
    );
    await masters.servers[1]!.kill();
    const reason = await lost;
    expect(reason).to.be.instanceOf(LockLostError);
    expect(lock.held).to.equal(false);
    await locker.close();
  });

  it('a master restarted without persistence: the lock stays exclusive on the others, fences keep rising', async () => {
    const nodes = clients.slice(0, 3);
    // ttl 3 s: the lease must outlive a redis-server restart on a loaded machine (900 ms did not, in a CI run)
    const locker = createLocker(kind.twin(nodes), { ttl: 3_000 });
    const key = fresh();
    const holder = await locker.acquire(key);
    await masters.servers[0]!.restart();
    await bringBack(masters.servers, nodes);
    // The holder still has masters 1 and 2: a contender is refused, renewal still confirms a majority.
    expect(await locker.tryAcquire(key)).to.equal(null);
    await nextEvents(locker, 'extended', 2);
    expect(holder.held).to.equal(true);
    // Renewal pushed the holder's fence to the empty master.
    expect(Number(await nodes[0]!.get(`deadbolt:{${key}}:fence`))).to.be.at.least(holder.fence);
    await holder.release();
    const next = await locker.acquire(key, { wait: 0 });
    expect(next.fence).to.be.greaterThan(holder.fence);
    await next.release();
    await locker.close();
  });

  it('refuses a bad client array up front', () => {
    expect(() => createLocker([])).to.throw('Quorum mode');
    const first = clients[0]!;
    expect(() => createLocker(kind.twin([first, first]))).to.throw('distinct');
  });
});
