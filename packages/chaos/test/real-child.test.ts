import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { brokenLocks, formatHistory, runChaos, type LockAdapter, type Violation } from '@deadbolt/chaos';
import type { ProxiedConnection } from '../src/real/ProxiedConnection.js';
import type { RealWorld } from '../src/real/RealWorld.js';
import { RedisTopology } from '../src/real/RedisTopology.js';
import { explain } from './support/explain.js';
import { realScenario, realUntil } from './support/realScenario.js';

// The real backend with every client in a child process of its own: a pause is a real SIGSTOP of the client, so its
// timers and renewals stop while Redis keeps running and its lease really expires.

/** The client processes this process has now (pid and command line). */
function clientProcesses(): string[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes('clientProcess'));
}

/** The process state letter of `pid` (`T`: stopped), from /proc. */
function state(pid: number): string {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.charAt(0) ?? '?';
}

describe('real backend, clients in child processes (a pause is a SIGSTOP)', function () {
  this.timeout(60_000);
  let topology: RedisTopology;
  before(async () => {
    topology = await RedisTopology.start('single');
  });
  after(() => topology?.stop());

  const scenario = (
    options: { ttl: number; bounds: 'within' | 'beyond'; lock?: LockAdapter },
    body: (world: RealWorld) => Promise<void>,
  ) => realScenario(topology, { ...options, processes: 'child' }, body);
  const until = realUntil;

  /** The pid of client `i`'s process. */
  const pidOf = (world: RealWorld, i: number): number => {
    const child = (world.clients[i]?.connection as ProxiedConnection).process as { pid?: number };
    return child.pid ?? 0;
  };
  const bugs = (violations: Violation[]) => violations.filter((v) => v.label === 'bug');

  it('a SIGSTOP of the holder between its check and its write, longer than its validity: beyond the bounds, fencing loses nothing', async () => {
    const ttl = 400;
    const { violations, world } = await scenario({ ttl, bounds: 'beyond' }, async (w) => {
      const [c0, c1] = w.clients;
      c0!.acquire(0);
      await until(w, () => c0!.believes(), 'c0 to acquire');
      const working = c0!.work(0, 3 * ttl); // checks it holds the lock, then is SIGSTOPped for 3 ttl, then writes
      await until(w, () => state(pidOf(w, 0)) === 'T', 'c0 to be stopped');
      c1!.acquire(3 * ttl);
      await until(w, () => c1!.believes(), 'c1 to acquire once the frozen holder lease expired');
      await c1!.work(0, 0);
      await working;
    });
    const h = formatHistory(world.history.events);
    const writes = world.history.events.filter((e) => e.type === 'write' && e.client === 0);
    expect(writes.length, `c0 wrote after it was resumed\n${h}`).to.equal(2);
    const overlap = violations.filter((v) => v.invariant === 'S1' || v.invariant === 'S3');
    expect(overlap.length, `the stale write is seen\n${h}`).to.be.greaterThan(0);
    expect(
      violations.every((v) => v.label === 'beyond-bounds'),
      h,
    ).to.equal(true);
    expect(bugs(violations), h).to.deep.equal([]);
    const fenced = writes.find((e) => e.type === 'write' && e.resource === 'fenced');
    expect(fenced?.type === 'write' && fenced.accepted, `the fenced resource refused it\n${h}`).to.equal(
      false,
    );
  });

  it('a SIGSTOP of the holder shorter than its validity: it keeps the lock, no violation', async () => {
    const ttl = 600;
    const { violations, world } = await scenario({ ttl, bounds: 'within' }, async (w) => {
      const [c0, c1] = w.clients;
      c0!.acquire(0);
      await until(w, () => c0!.believes(), 'c0 to acquire');
      w.history.fault({ kind: 'pause', client: 0, duration: ttl / 4, beyond: false });
      c0!.connection.suspend?.(ttl / 4);
      await until(w, () => state(pidOf(w, 0)) === 'T', 'c0 to be stopped');
      c1!.acquire(0);
      await until(w, () => state(pidOf(w, 0)) !== 'T', 'c0 to be resumed');
      await c0!.work(0, 0);
      await w.advance(ttl);
    });
    const h = formatHistory(world.history.events);
    expect(
      world.history.events.some((e) => e.type === 'loss'),
      `c0 kept the lock\n${h}`,
    ).to.equal(false);
    expect(world.history.events.filter((e) => e.type === 'write').length, h).to.equal(2);
    expect(violations, h).to.deep.equal([]);
  });

  it('deadbolt passes with faults within its bounds, pauses and stalls being SIGSTOPs', async () => {
    const result = await runChaos({
      backend: 'redis',
      processes: 'child',
      runs: 3,
      clients: 2,
      operations: 20,
      ttl: 400,
      seed: 11,
    });
    expect(result.verdict, explain(result)).to.equal('pass');
    expect(result.statistics.grants, 'the lock was granted').to.be.greaterThan(0);
    expect(clientProcesses(), 'no client process outlives a run').to.deep.equal([]);
  });

  it('catches the naive lock (renewal that stops silently) with a real pause', async () => {
    const ttl = 300;
    const { violations, world } = await scenario(
      { ttl, bounds: 'within', lock: brokenLocks.naive },
      async (w) => {
        const [c0, c1] = w.clients;
        c0!.acquire(0);
        await until(w, () => c0!.believes(), 'c0 to acquire');
        // Frozen for 3 ttl, its renewal misses the lease; c1 takes the lock; c0 resumes and still believes it holds it.
        w.history.fault({ kind: 'pause', client: 0, duration: 3 * ttl, beyond: false });
        c0!.connection.suspend?.(3 * ttl);
        await until(w, () => state(pidOf(w, 0)) === 'T', 'c0 to be stopped');
        c1!.acquire(3 * ttl);
        await until(w, () => c1!.believes(), 'c1 to acquire the expired lease');
        await until(w, () => state(pidOf(w, 0)) !== 'T', 'c0 to be resumed');
        await w.advance(ttl); // c0's renewal meets c1's lease and stops without a word
        await c0!.work(0, 0);
      },
    );
    const h = formatHistory(world.history.events);
    const caught = bugs(violations).filter((v) => v.clients.includes(0));
    expect(caught.length, `a bug is reported against the resumed holder\n${h}`).to.be.greaterThan(0);
    expect(clientProcesses(), 'no client process outlives a failing run').to.deep.equal([]);
  });

  it('leaves no client process behind, also when a run throws', async () => {
    const pids: number[] = [];
    const failing = scenario({ ttl: 300, bounds: 'within' }, (w) => {
      pids.push(pidOf(w, 0), pidOf(w, 1));
      w.clients[0]?.connection.suspend?.(5_000); // killed while stopped
      return Promise.reject(new Error('the run fails'));
    });
    await failing.then(
      () => expect.fail('the run should have thrown'),
      (error: Error) => expect(error.message).to.equal('the run fails'),
    );
    expect(pids.every((pid) => pid > 0)).to.equal(true);
    expect(clientProcesses()).to.deep.equal([]);
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(pids.filter(alive), 'every client process was killed').to.deep.equal([]);
  });
});
