import { expect } from 'chai';
import { commandMicros } from '../bench/src/grantCost/commandTime.js';
import { grantCost } from '../bench/src/grantCost/grantCost.js';
import { parseGrantArgs } from '../bench/src/grantCost/grantPlan.js';

describe('bench grant cost tool', () => {
  it('reads its arguments, with 32 acquires in flight on the source core by default', () => {
    expect(parseGrantArgs([])).to.deep.equal({
      grants: 20_000,
      warmup: 20_000,
      rounds: 5,
      inFlight: 32,
      cores: [],
      only: [],
      verbose: false,
    });
    expect(
      parseGrantArgs(['--core', '/wt/a', '--core', 'source', '--only', 'raw,signal', '--rounds', '3']),
    ).to.deep.include({ cores: ['/wt/a', 'source'], only: ['raw', 'signal'], rounds: 3 });
    expect(() => parseGrantArgs(['--grants', '0'])).to.throw('--grants needs a positive integer');
  });

  it('sums the time of every command but INFO', () => {
    const info = [
      '# Commandstats',
      'cmdstat_evalsha:calls=2,usec=19,usec_per_call=9.50,rejected_calls=0,failed_calls=0',
      'cmdstat_info:calls=1,usec=40,usec_per_call=40.00,rejected_calls=0,failed_calls=0',
      'cmdstat_set:calls=3,usec=6,usec_per_call=2.00,rejected_calls=0,failed_calls=0',
    ].join('\r\n');
    expect(commandMicros(info)).to.equal(25);
  });

  it('measures the raw floor and deadbolt on a redis-server of its own', async function () {
    this.timeout(60_000);
    const report = await grantCost(
      parseGrantArgs(['--grants', '300', '--warmup', '100', '--rounds', '2', '--only', 'raw,default,signal']),
    );
    expect(report[0]).to.match(/^grant cost: 2 rounds × 300 grants, 32 in flight/);
    const names = report.slice(1).map((line) => line.slice(0, 40).trim());
    expect(names).to.deep.equal(['raw', 'deadbolt default', 'deadbolt signal']);
    for (const line of report.slice(1)) {
      expect(line).to.match(/\d+\.\d µs \[.*redis-server \d+\.\d µs, in commands (\d+\.\d) µs/);
      expect(Number(/in commands (\d+\.\d)/.exec(line)?.[1]), line).to.be.greaterThan(0);
    }
    expect(report[2]).to.match(/[+-]\d+\.\d over raw/);
  });
});
