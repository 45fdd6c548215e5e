import { expect } from 'chai';
import { runChaos, type ChaosResult } from '@deadbolt/chaos';
import { resolveChaosOptions } from '../src/options.js';
import { explain } from './support/explain.js';

const said = (result: ChaosResult): string =>
  `${JSON.stringify(result.statistics.steps)}\n${explain(result)}`;

describe('mock reach: a second lock beside the key, a quorum of mock masters, mock master stalls', function () {
  // Virtual time makes runs fast, but this machine is shared.
  this.timeout(120_000);

  it('sideLock: clients also lock the other key as they acquire, and deadbolt stays clean', async () => {
    const result = await runChaos({ runs: 20, seed: 9, faults: ['latency', 'renewalFailure', 'sideLock'] });
    expect(result.verdict, said(result)).to.equal('pass');
    expect(result.statistics.steps.sideLock, said(result)).to.be.greaterThan(0);
    expect(result.paths.counts.grant, said(result)).to.be.greaterThan(0);
  });

  it('quorum3 on the mock: every grant is a quorum decision of three stores, also with master stalls', async () => {
    const result = await runChaos({ runs: 8, seed: 4, topology: 'quorum3', faults: ['crash', 'redisStall'] });
    expect(result.verdict, said(result)).to.equal('pass');
    expect(result.summary).to.match(/^PASS deadbolt: .* on virtual time \(quorum3\)/);
    expect(result.paths.counts.quorumDecision, said(result)).to.be.greaterThan(0);
    expect(result.statistics.steps.redisStall, said(result)).to.be.greaterThan(0);
  });

  it('the mock takes single, quorum3 and quorum5 and the redisStall fault; other topologies and server faults need redis', () => {
    expect(resolveChaosOptions({ topology: 'quorum5' }).topology).to.equal('quorum5');
    expect(resolveChaosOptions({ faults: ['redisStall'] }).faults).to.deep.equal(['redisStall']);
    expect(() => resolveChaosOptions({ topology: 'cluster' })).to.throw(RangeError, /needs backend redis/);
    expect(() => resolveChaosOptions({ faults: ['redisRestart'] })).to.throw(
      RangeError,
      /needs backend redis/,
    );
  });
});
