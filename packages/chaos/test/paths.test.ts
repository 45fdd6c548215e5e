import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { QUEUE_ENTRY_MS } from '@deadbolt/core';
import {
  ALL_FAULTS,
  deadboltAdapter,
  defaultFaults,
  FENCE_RESTART_JUMP,
  History,
  pathCounts,
  REAL_FAULTS,
  renderJUnit,
  renderReport,
  runChaos,
  throwingLock,
  type ChaosResult,
} from '@deadbolt/chaos';
import { resolveChaosOptions } from '../src/options.js';
import { requiredPaths } from '../src/paths/pathReport.js';
import { explain } from './support/explain.js';
import { node } from './support/spawn.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** The run's path counts and verdict, for an assertion's message. */
const said = (result: ChaosResult): string => `${JSON.stringify(result.paths)}\n${explain(result)}`;

describe('path coverage and the inconclusive verdict', function () {
  // Virtual time makes runs fast, but this machine is shared.
  this.timeout(180_000);

  it('counts each path of a hand-written history', () => {
    let t = 0;
    const history = new History({ ttl: 1_000, driftFactor: 0.01, retryBound: 200, renews: true }, () => t);
    const first = history.invoke(0, 'acquire', 'k', { ttl: 1_000, wait: 0 });
    history.push({ type: 'lease', t, key: 'k', owner: 'a', expireAt: 1_000, by: 0 });
    history.complete(first, 'ok', { token: 'a', fence: 10 });
    t = 10;
    // c1 waits while a holds the lease, and is handed the lock by c0's release.
    const waiting = history.invoke(1, 'acquire', 'k', { ttl: 1_000, wait: 500 });
    history.complete(history.invoke(0, 'extend', 'k', { ttl: 1_000, token: 'a' }), 'ok');
    t = 20;
    history.complete(history.invoke(0, 'release', 'k', { ttl: 1_000, token: 'a' }), 'ok');
    history.push({ type: 'lease', t, key: 'k', owner: 'b', expireAt: 1_020, by: 0 });
    history.complete(waiting, 'ok', { token: 'b', fence: 11 });
    history.complete(history.invoke(1, 'extend', 'k', { ttl: 1_000, token: 'b' }), 'fail');
    t = 70_000;
    // A multi-key grant with another key's fresh counter is no restart; a single-key jump is.
    const both = history.invoke(2, 'acquire', 'k', { ttl: 1_000, wait: 0, keys: 2 });
    history.push({ type: 'lease', t, key: 'k', owner: 'c', expireAt: 71_000, by: 2 });
    history.complete(both, 'ok', { token: 'c', fence: 11 + 2 * FENCE_RESTART_JUMP });
    const late = history.invoke(3, 'acquire', 'k', { ttl: 1_000, wait: 0 });
    history.complete(late, 'ok', { token: 'd', fence: 11 + 4 * FENCE_RESTART_JUMP });
    expect(pathCounts(history)).to.deep.equal({
      grant: 4,
      handOver: 1,
      contendedWait: 1,
      multiKey: 1,
      extendOk: 1,
      extendRefused: 1,
      fenceRestart: 1,
      quorumDecision: undefined,
    });
    // On a quorum topology every grant takes the server clock: restarts cannot be told, decisions can.
    const quorum = new History({ ...history.params, voters: 3 }, () => t, history.events);
    expect(pathCounts(quorum)).to.include({ fenceRestart: undefined, quorumDecision: 4 });
  });

  it('counts grants, contended waits and extends of a small mock run, which is clean', async () => {
    const result = await runChaos({ runs: 30, seed: 11 });
    expect(result.verdict, said(result)).to.equal('pass');
    const { counts, required, missing } = result.paths;
    expect(counts.grant, said(result)).to.be.greaterThan(0);
    expect(counts.contendedWait, said(result)).to.be.greaterThan(0);
    expect(counts.extendOk + counts.extendRefused, said(result)).to.be.greaterThan(0);
    expect(counts.grant).to.equal(result.statistics.grants);
    expect(required).to.deep.equal(['grant', 'contendedWait']);
    expect(missing).to.deep.equal([]);
  });

  it('passes deadbolt at the defaults, every required path exercised (a plain run is not inconclusive)', async () => {
    const result = await runChaos();
    expect(result.verdict, said(result)).to.equal('pass');
    expect(result.paths.counts.grant).to.be.greaterThan(0);
    expect(result.paths.counts.contendedWait).to.be.greaterThan(0);
  });

  it('the default faults reach every path of deadbolt on a clean run (quorum decisions: quorum topologies only)', async () => {
    // Only the run count is set (the CLI's default is 100): waiter stalls, multi-key acquires, idle gaps, a lock
    // held beside the key and late extends are in the mock backend's default faults.
    const result = await runChaos({ runs: 40, seed: 1 });
    expect(result.run.faults).to.include.members([
      'waiterStall',
      'multiSlot',
      'idleGap',
      'sideLock',
      'lateExtend',
    ]);
    expect(result.verdict, said(result)).to.equal('pass');
    const { quorumDecision, ...counts } = result.paths.counts;
    expect(quorumDecision).to.equal(undefined);
    for (const [path, count] of Object.entries(counts))
      expect(count, `${path}\n${said(result)}`).to.be.greaterThan(0);
  });

  it('the default faults leave out multiSlot for a lock that locks one key at a time, idleGap for one that claims no fence restart, and both on redis', () => {
    const faults = (options: Parameters<typeof resolveChaosOptions>[0]) =>
      resolveChaosOptions(options).faults;
    expect(faults({})).to.deep.equal(
      defaultFaults({ backend: 'mock', topology: 'single', lock: deadboltAdapter() }),
    );
    expect(faults({})).to.include('multiSlot');
    // A lock that claims no fence restart path is not put through idle gaps by default (see defaultFaults).
    expect(faults({ lock: throwingLock })).to.include('sideLock');
    expect(faults({ lock: throwingLock })).to.not.include('idleGap');
    expect(faults({ lock: throwingLock })).to.not.include('multiSlot');
    expect(faults({ limit: 3 })).to.not.include('multiSlot');
    expect(faults({ sharedRatio: 0.5 })).to.not.include('multiSlot');
    expect(faults({ backend: 'redis' })).to.deep.equal(REAL_FAULTS);
    expect(defaultFaults({ backend: 'mock', topology: 'cluster', lock: { multiKey: true } })).to.not.include(
      'multiSlot',
    );
  });

  it('deadbolt claims hand-over only when a waiter can be handed the lock (ttl >= QUEUE_ENTRY_MS, fair)', () => {
    const below = { min: 100, max: QUEUE_ENTRY_MS - 1 };
    const across = { min: 100, max: QUEUE_ENTRY_MS };
    expect(deadboltAdapter().paths?.(below)).not.to.include('handOver');
    expect(deadboltAdapter().paths?.(across)).to.include('handOver');
    expect(deadboltAdapter({ fair: false }).paths?.(across)).not.to.include('handOver');
  });

  it('requires grant and, on mock with contention, contended wait; on real Redis grant only; nothing of a replay', () => {
    const claimed = deadboltAdapter().paths?.({ min: 100, max: 3_000 }) ?? [];
    const required = (options: Parameters<typeof resolveChaosOptions>[0]) =>
      requiredPaths(resolveChaosOptions(options), claimed);
    expect(required({})).to.deep.equal(['grant', 'contendedWait']);
    expect(required({ contention: false })).to.deep.equal(['grant']);
    expect(required({ backend: 'redis' })).to.deep.equal(['grant']);
    expect(required({ seed: 1, path: '3' })).to.deep.equal([]);
    expect(required({ requirePaths: ['handOver'] })).to.deep.equal(['handOver']);
    expect(() => required({ requirePaths: ['teleport' as 'grant'] })).to.throw(
      RangeError,
      /unknown path teleport/,
    );
  });

  it('is inconclusive, never exercised: grant, for a lock whose acquire always throws', async () => {
    const result = await runChaos({ lock: throwingLock, runs: 10, seed: 1 });
    expect(result.verdict, said(result)).to.equal('inconclusive');
    expect(result.paths.missing).to.deep.equal(['grant']);
    expect(result.summary).to.match(/^INCONCLUSIVE .*never exercised: grant/);
    // The reports say so too: a JUnit failure of its own type, the HTML path table with the missing path marked.
    const junit = renderJUnit([{ lock: 'throwing', where: 'mock', result }]);
    expect(junit).to.include('failures="1"').and.include('type="inconclusive"');
    expect(renderReport(result)).to.match(/<tr class="missing"><td>grant<\/td><td>0<\/td>/);
  });

  it('is inconclusive when a required path never ran (no multi-key acquires drawn), not on a replay', async () => {
    const result = await runChaos({
      runs: 10,
      seed: 11,
      faults: ALL_FAULTS,
      requirePaths: ['grant', 'multiKey'],
    });
    expect(result.verdict, said(result)).to.equal('inconclusive');
    expect(result.paths.missing).to.deep.equal(['multiKey']);
    const multi = await runChaos({
      runs: 10,
      seed: 11,
      faults: ['crash', 'multiSlot'],
      requirePaths: ['multiKey'],
    });
    expect(multi.verdict, said(multi)).to.equal('pass');
    expect(multi.paths.counts.multiKey).to.be.greaterThan(0);
    // A replay runs one chosen schedule: nothing is required of it by default.
    const replay = await runChaos({ lock: throwingLock, runs: 1, seed: 1, path: '0' });
    expect(replay.paths.required).to.deep.equal([]);
    expect(replay.verdict, said(replay)).to.equal('pass');
  });

  it('the CLI exits 3 on an inconclusive run, names the paths never exercised, and reports the counts in JSON', async () => {
    const run = await node([CLI, '--lock', 'throwing', '--runs', '5', '--seed', '2', '--json']);
    expect(run.code, run.stderr + run.stdout).to.equal(3);
    expect(run.stderr).to.include('never exercised: grant');
    expect(run.stderr).to.match(/^Paths: grant 0, handOver 0, contendedWait 0, /m);
    expect(run.stderr).to.include('deadbolt-chaos: 0 passed, 0 failed, 1 inconclusive');
    const json = JSON.parse(run.stdout) as ChaosResult;
    expect(json.verdict).to.equal('inconclusive');
    expect(json.paths.missing).to.deep.equal(['grant']);
  });

  it('the CLI refuses an unknown --require-paths name (exit 2)', async () => {
    const run = await node([CLI, '--require-paths', 'grant,teleport']);
    expect(run.code, run.stderr).to.equal(2);
    expect(run.stderr).to.include('--require-paths must be one of');
  });

  describe('hand-overs of permits and read shares (counted modes: holders in a set, a marker on the lease)', () => {
    it('counts a grant whose holders entry another process added, not one the waiter added itself', () => {
      let t = 0;
      const history = new History({ ttl: 1_000, driftFactor: 0.01, retryBound: 200, renews: true }, () => t);
      const first = history.invoke(0, 'acquire', 'k', { ttl: 1_000, wait: 0 });
      // The lease holds only the marker, never a token: the holders set says who holds.
      history.push({ type: 'lease', t, key: 'k', owner: '~1', expireAt: 1_000, by: 0 });
      history.push({ type: 'holders', t, key: 'k', holders: [{ token: 'a~1', expireAt: 1_000 }], by: 0 });
      history.complete(first, 'ok', { token: 'a~1', fence: 10 });
      t = 10;
      const waiting = history.invoke(1, 'acquire', 'k', { ttl: 1_000, wait: 500 });
      t = 20;
      // c0's release hands its permit to c1: c0's command puts c1's token in the set.
      history.complete(history.invoke(0, 'release', 'k', { ttl: 1_000, token: 'a~1' }), 'ok');
      history.push({ type: 'holders', t, key: 'k', holders: [{ token: 'b~1', expireAt: 1_020 }], by: 0 });
      history.complete(waiting, 'ok', { token: 'b~1', fence: 11 });
      expect(pathCounts(history)).to.include({ grant: 2, handOver: 1 });
    });

    it('a deadbolt run with 3 permits (--limit 3) counts hand-overs', async () => {
      const result = await runChaos({ limit: 3, runs: 60, seed: 8, faults: ALL_FAULTS });
      expect(result.verdict, said(result)).to.equal('pass');
      expect(result.paths.counts.handOver, said(result)).to.be.greaterThan(0);
    });

    // Those are the writers' hand-overs: core hands a read share on only from a counted-mode release that makes a
    // reader grantable, and a release of readers makes the writer at the head grantable first, so 300 schedules saw none.
    it('a deadbolt read-write run (--shared-ratio 0.5) counts hand-overs', async () => {
      const result = await runChaos({ sharedRatio: 0.5, runs: 60, seed: 8, faults: ALL_FAULTS });
      expect(result.verdict, said(result)).to.equal('pass');
      expect(result.paths.counts.handOver, said(result)).to.be.greaterThan(0);
    });
  });
});
