import FakeTimers from '@sinonjs/fake-timers';
import { useRedisCluster } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLocker, type Lock, LockLostError, lockKeys } from '../src/index.js';
import { clusterSlot } from '../src/cluster/clusterSlot.js';
import { RENEWAL_BATCHES_IN_FLIGHT, RenewalBatcher, type Renewal } from '../src/lease/RenewalBatcher.js';
import { RenewalSchedule, type RenewalHooks } from '../src/lease/RenewalSchedule.js';
import { lockTarget } from '../src/keys/target.js';
import { MAX_RUN_PER_FIRING, TimerQueue } from '../src/lease/TimerQueue.js';
import { eachBackend } from './support/backends.js';
import { GRANT_WAIT, nextRound } from './support/nextRound.js';

// Renewal in batches (DESIGN.md, "Many held locks"): one script renews up to 100 of a locker's leases per
// connection (per slot on a Cluster), the leases that are no longer ours are told lost, and only those.

/** Counts the scripts `client` sends (EVALSHA and EVAL), on any backend. */
function countScripts(client: Redis): { sent: number } {
  const counter = { sent: 0 };
  for (const name of ['evalsha', 'eval'] as const) {
    const send = client[name].bind(client) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(client, { [name]: (...args: unknown[]) => (counter.sent++, send(...args)) });
  }
  return counter;
}

const keysOf = (count: number): string[] => Array.from({ length: count }, (_, i) => `held-${i}`);

/** Locks and ttl per backend: ioredis-mock runs a script in about 10 ms, so it holds fewer, longer. */
const SIZES = { redis: { count: 250, ttl: 1_500 }, mock: { count: 120, ttl: 6_000 } } as const;

describe('batched renewal', function () {
  eachBackend((backend) => {
    it('renews N held locks with at most ceil(N / 100) scripts per renewal period', async function () {
      const { count, ttl } = SIZES[backend().name];
      const client = backend().connect();
      const scripts = countScripts(client);
      const locker = createLocker(client, { prefix: backend().prefix(), ttl });
      const keys = keysOf(count);
      const lost: string[] = [];
      locker.on('lost', ({ key }) => lost.push(key));
      await Promise.all(keys.map((key) => locker.acquire(key, { wait: GRANT_WAIT })));
      // The first renewals may fall on two aligned moments (the acquires took time); from then on, one.
      await nextRound(locker, keys);
      const server = backend().server;
      await server?.resetStats();
      const sentBefore = scripts.sent;
      await nextRound(locker, keys);
      const expected = Math.ceil(count / 100);
      expect(scripts.sent - sentBefore, `scripts sent for one round of ${count} renewals`).to.equal(expected);
      if (server) {
        const stats = await server.commandStats();
        expect((stats['evalsha'] ?? 0) + (stats['eval'] ?? 0), 'scripts the server ran').to.equal(expected);
      }
      expect(lost).to.deep.equal([]);
      expect(locker.heldCount).to.equal(count);
      await locker.close();
    });

    it('a lease taken by someone else is reported lost, once, and only that one', async function () {
      const { count, ttl } = SIZES[backend().name];
      const client = backend().connect();
      const prefix = backend().prefix();
      const locker = createLocker(client, { prefix, ttl });
      const keys = keysOf(count);
      const locks = await Promise.all(keys.map((key) => locker.acquire(key, { wait: GRANT_WAIT })));
      await nextRound(locker, keys);
      const stolen = locks[37] as Lock;
      const lostEvents: { key: string; error: LockLostError }[] = [];
      locker.on('lost', (event) => lostEvents.push(event));
      const signalled = new Promise<unknown>((resolve) =>
        stolen.signal.addEventListener('abort', () => resolve(stolen.signal.reason)),
      );
      // The lease lapsed and another client took it: its token is someone else's now.
      await backend().admin().set(lockKeys(prefix, stolen.key).lease, 'someone-else', 'PX', 60_000);
      const others = keys.filter((key) => key !== stolen.key);
      await nextRound(locker, others);
      const reason = await signalled;
      expect(reason).to.be.instanceOf(LockLostError).and.to.have.property('reason', 'stolen');
      expect(lostEvents.map((event) => event.key)).to.deep.equal([stolen.key]);
      expect(locks.filter((lock) => !lock.held).map((lock) => lock.key)).to.deep.equal([stolen.key]);
      expect(await backend().admin().get(lockKeys(prefix, stolen.key).lease)).to.equal('someone-else');
      await nextRound(locker, others);
      expect(lostEvents, 'told once').to.have.length(1);
      await locker.close();
    });

    it('one batch renews multi-key locks and the same lock twice, each answered on its own', async function () {
      const client = backend().connect();
      const scripts = countScripts(client);
      const prefix = backend().prefix();
      const locker = createLocker(client, { prefix, ttl: 10_000, renew: false });
      const pair = await locker.acquire(['pair-a', 'pair-b']);
      const single = await locker.acquire('single');
      const stolen = await locker.acquire(['stolen-a', 'stolen-b']);
      await backend().admin().set(lockKeys(prefix, 'stolen-b').lease, 'someone-else', 'PX', 60_000);
      const sentBefore = scripts.sent;
      const outcomes = await Promise.allSettled([
        pair.extend(),
        pair.extend(),
        single.extend(),
        stolen.extend(),
      ]);
      expect(scripts.sent - sentBefore, 'one script for the four').to.equal(1);
      expect(outcomes.map((outcome) => outcome.status)).to.deep.equal([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'rejected',
      ]);
      expect([pair.held, single.held, stolen.held]).to.deep.equal([true, true, false]);
      await locker.close();
    });

    it("pushes a fence counter's expiry only once it runs low, and it always outlives the lease", async function () {
      const ttl = 10_000;
      const client = backend().connect();
      const prefix = backend().prefix();
      const admin = backend().admin();
      const locker = createLocker(client, { prefix, ttl, renew: false });
      const [low, high, third] = await Promise.all(
        ['fence-low', 'fence-high', 'fence-third'].map((key) => locker.acquire(key, { wait: 0 })),
      );
      const fenceOf = (lock: Lock | undefined): string => lockKeys(prefix, lock?.key ?? '').fence;
      // EXTEND_MANY pushes a counter (fence ttl 60 s) once less than ttl + 30 s = 40 s of it is left.
      await admin.pexpire(fenceOf(low), 20_000);
      await admin.pexpire(fenceOf(high), 50_000);
      await admin.pexpire(fenceOf(third), 39_000);
      // Extends of one turn share one script.
      await Promise.all([low, high, third].map((lock) => (lock as Lock).extend()));
      expect(await admin.pttl(fenceOf(low)), 'pushed back to the fence ttl').to.be.greaterThan(50_000);
      expect(await admin.pttl(fenceOf(high)), 'left alone').to.be.within(40_000, 50_000);
      expect(await admin.pttl(fenceOf(third)), 'just below the mark: pushed').to.be.greaterThan(50_000);
      for (const lock of [low, high, third]) {
        const lease = lockKeys(prefix, lock?.key ?? '').lease;
        expect(await admin.pttl(fenceOf(lock)), 'the counter outlives the lease').to.be.greaterThan(
          (await admin.pttl(lease)) + ttl,
        );
      }
      await locker.close();
    });
  });

  describe('on a real Redis Cluster', function () {
    this.timeout(60_000);
    const redis = useRedisCluster({ masters: 3 });

    it('groups renewals by slot: one script per slot and round', async function () {
      // The three slots that most of 30 000 candidate keys fall into, and their keys.
      const bySlot = new Map<number, string[]>();
      for (let i = 0; i < 30_000; i++) {
        const key = `c${i}`;
        const slot = clusterSlot(lockKeys('deadbolt', key).lease);
        bySlot.set(slot, [...(bySlot.get(slot) ?? []), key]);
      }
      const slots = [...bySlot.values()].sort((a, b) => b.length - a.length).slice(0, 3);
      const keys = slots.flat();
      expect(keys.length, 'several keys per slot').to.be.greaterThan(slots.length * 3);
      const client = redis.cluster.client();
      const locker = createLocker(client, { ttl: 1_500 });
      await Promise.all(keys.map((key) => locker.acquire(key, { wait: GRANT_WAIT })));
      await nextRound(locker, keys);
      const masters = redis.cluster.servers;
      await Promise.all(masters.map((server) => server.resetStats()));
      await nextRound(locker, keys);
      const stats = await Promise.all(masters.map((server) => server.commandStats()));
      const scripts = stats.reduce((sum, s) => sum + (s['evalsha'] ?? 0) + (s['eval'] ?? 0), 0);
      expect(scripts, `${keys.length} renewals in ${slots.length} slots`).to.equal(slots.length);
      expect(locker.heldCount).to.equal(keys.length);
      await locker.close();
    });
  });

  describe('RenewalBatcher', function () {
    it('sends the renewals of one turn in batches of at most 100 per group, and answers each its own', async function () {
      const sent: { group: number; size: number }[] = [];
      const groupOf = (renewal: Renewal): number => Number(renewal.target.keys[0]?.split('/')[0]);
      const batcher = new RenewalBatcher(
        (batch) => {
          sent.push({ group: groupOf(batch[0] as Renewal), size: batch.length });
          expect(new Set(batch.map(groupOf)).size, 'one group per batch').to.equal(1);
          return Promise.resolve(batch.map((renewal) => !renewal.token.endsWith('7')));
        },
        (target) => Number(target.keys[0]?.split('/')[0]),
      );
      const renewals = Array.from({ length: 250 }, (_, i) => ({
        target: lockTarget('p', [`${i % 2}/${i}`]),
        token: `t${i}`,
        ttl: 1_000,
      }));
      const answers = await Promise.all(renewals.map((renewal) => batcher.renew(renewal)));
      expect(sent).to.deep.equal([
        { group: 0, size: 100 },
        { group: 0, size: 25 },
        { group: 1, size: 100 },
        { group: 1, size: 25 },
      ]);
      expect(answers).to.deep.equal(renewals.map((renewal) => !renewal.token.endsWith('7')));
    });

    it('never puts renewals of different ttls in one batch', async function () {
      const sent: number[][] = [];
      const batcher = new RenewalBatcher(
        (batch) => {
          sent.push(batch.map((renewal) => renewal.ttl));
          return Promise.resolve(batch.map(() => true));
        },
        () => 0,
      );
      const ttls = Array.from({ length: 150 }, (_, i) => (i % 3 === 0 ? 2_000 : 1_000));
      const renewals = ttls.map((ttl, i) => ({ target: lockTarget('p', [`k${i}`]), token: `t${i}`, ttl }));
      const answers = await Promise.all(renewals.map((renewal) => batcher.renew(renewal)));
      expect(sent.map((ttlsOfBatch) => [ttlsOfBatch[0], ttlsOfBatch.length])).to.deep.equal([
        [2_000, 50],
        [1_000, 100],
      ]);
      expect(
        sent.every((batch) => new Set(batch).size === 1),
        'one ttl per batch',
      ).to.equal(true);
      expect(answers.every(Boolean)).to.equal(true);
    });

    it('rejects a failed batch, and the batches waiting behind it, with its error; not those in flight', async function () {
      let calls = 0;
      const failure = new Error('connection lost');
      // Batches of one: the first fails while the next ones are in flight and two more wait.
      const batcher = new RenewalBatcher(
        (batch) => (calls++ === 0 ? Promise.reject(failure) : Promise.resolve(batch.map(() => true))),
        () => 0,
        1,
      );
      const target = lockTarget('p', ['k']);
      const count = RENEWAL_BATCHES_IN_FLIGHT + 2;
      const answers = await Promise.allSettled(
        Array.from({ length: count }, (_, n) => batcher.renew({ target, token: `t${n}`, ttl: 1_000 })),
      );
      expect(answers.map((answer) => answer.status)).to.deep.equal([
        'rejected',
        ...Array.from({ length: RENEWAL_BATCHES_IN_FLIGHT - 1 }, () => 'fulfilled'),
        'rejected',
        'rejected',
      ]);
      expect(answers[count - 1]).to.have.property('reason', failure);
      expect(calls, 'the waiting batches were not sent').to.equal(RENEWAL_BATCHES_IN_FLIGHT);
    });

    it('an Error outcome rejects that renewal alone; the others of its batch get their answers', async function () {
      const refused = new Error('not confirmed');
      const batcher = new RenewalBatcher(
        (batch) =>
          Promise.resolve(
            batch.map((renewal) => (renewal.token === 't1' ? refused : renewal.token === 't0')),
          ),
        () => 0,
      );
      const target = lockTarget('p', ['k']);
      const answers = await Promise.allSettled(
        ['t0', 't1', 't2'].map((token) => batcher.renew({ target, token, ttl: 1_000 })),
      );
      expect(answers).to.deep.equal([
        { status: 'fulfilled', value: true },
        { status: 'rejected', reason: refused },
        { status: 'fulfilled', value: false },
      ]);
    });
  });

  describe('aligned renewal schedule (fake timers)', function () {
    let clock: ReturnType<typeof FakeTimers.install>;
    beforeEach(function () {
      clock = FakeTimers.install({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    });
    afterEach(function () {
      clock.uninstall();
    });

    it(`runs at most ${MAX_RUN_PER_FIRING} callbacks due at one moment per firing, the rest on the next`, async function () {
      const timers = new TimerQueue(() => performance.now());
      const ranPerFiring: number[] = [];
      let ran = 0;
      const count = 2 * MAX_RUN_PER_FIRING + 1;
      for (let i = 0; i < count; i++) timers.add(100, () => void ran++);
      for (let firing = 0; firing < 4; firing++) {
        const before = ran;
        await clock.nextAsync();
        ranPerFiring.push(ran - before);
      }
      expect(ranPerFiring).to.deep.equal([MAX_RUN_PER_FIRING, MAX_RUN_PER_FIRING, 1, 0]);
      // Each further firing is the next timer turn (setTimeout 0, a millisecond), not a later time.
      expect(performance.now(), 'the last ran two timer turns after the first').to.equal(102);
      timers.clear();
    });

    it('many held locks renew a slot at a time, spread over the period, in whole batches, inside their validity', async function () {
      const timers = new TimerQueue(() => performance.now());
      const scripts: { at: number; size: number }[] = [];
      const batcher = new RenewalBatcher(
        (batch) => {
          scripts.push({ at: performance.now(), size: batch.length });
          return Promise.resolve(batch.map(() => true));
        },
        () => 0,
      );
      const lastRenewed = new Map<number, number>();
      const lost: string[] = [];
      let longestGap = 0;
      const count = 4_000;
      const schedules = Array.from({ length: count }, (_, i) => {
        const target = lockTarget('p', [`k${i}`]);
        const hooks: RenewalHooks = {
          now: () => performance.now(),
          drift: () => 0,
          extend: (ttl) => batcher.renew({ target, token: `t${i}`, ttl }),
          renewed: () => {
            const last = lastRenewed.get(i);
            if (last !== undefined) longestGap = Math.max(longestGap, performance.now() - last);
            lastRenewed.set(i, performance.now());
          },
          failed: () => undefined,
          lost: (reason) => void lost.push(`${i}:${reason}`),
        };
        return new RenewalSchedule(hooks, { start: 0, ttl: 3_000, renew: true }, timers, true);
      });
      // Period 1 000 ms: every first renewal falls on 1 000 ms; then 4 000 leases make 8 slots of 125 ms, each
      // taking 5 of the 40 blocks of 100 that the first renewals' batches formed.
      await clock.tickAsync(3_000);
      scripts.length = 0;
      await clock.tickAsync(1_000);
      const moments = new Map<number, number>();
      for (const { at, size } of scripts) moments.set(at, (moments.get(at) ?? 0) + size);
      expect(scripts.length, 'scripts in one period: whole batches').to.equal(count / 100);
      expect(scripts.every(({ size }) => size === 100)).to.equal(true);
      expect([...moments.values()], 'renewals per moment').to.deep.equal(Array<number>(8).fill(500));
      const at = [...moments.keys()].map((ms) => ms % 1_000).sort((x, y) => x - y);
      expect(at, 'the moments, 125 ms apart').to.deep.equal([0, 125, 250, 375, 500, 625, 750, 875]);
      expect(longestGap, 'no lease waited longer than 1.5 periods').to.be.at.most(1_500);
      expect(lost).to.deep.equal([]);
      schedules.forEach((schedule) => schedule.stop());
      timers.clear();
    });

    it('locks granted at different moments renew together from their first renewal on, inside their validity', async function () {
      const timers = new TimerQueue(() => performance.now());
      const renewedAt = new Map<string, number[]>();
      const lost: string[] = [];
      const schedule = (name: string): RenewalSchedule => {
        const hooks: RenewalHooks = {
          now: () => performance.now(),
          drift: () => 0,
          extend: () => {
            renewedAt.set(name, [...(renewedAt.get(name) ?? []), performance.now()]);
            return Promise.resolve(true);
          },
          renewed: () => undefined,
          failed: () => undefined,
          lost: (reason) => void lost.push(`${name}:${reason}`),
        };
        return new RenewalSchedule(
          hooks,
          { start: performance.now(), ttl: 3_000, renew: true },
          timers,
          true,
        );
      };
      // Period 1 000 ms. Granted at 0, 400 and 700 ms: each renews on a multiple of 1 000 ms lying between half
      // a period and one and a half periods after its grant, then every period on the same moments.
      const schedules = [schedule('a')];
      await clock.tickAsync(400);
      schedules.push(schedule('b'));
      await clock.tickAsync(300);
      schedules.push(schedule('c'));
      await clock.tickAsync(4_300);
      expect(Object.fromEntries(renewedAt)).to.deep.equal({
        a: [1_000, 2_000, 3_000, 4_000, 5_000],
        b: [1_000, 2_000, 3_000, 4_000, 5_000],
        c: [2_000, 3_000, 4_000, 5_000],
      });
      expect(lost).to.deep.equal([]);
      schedules.forEach((s) => s.stop());
      timers.clear();
    });
  });
});
