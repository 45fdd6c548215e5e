import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { gapReport } from '../bench/src/handover/gapReport.js';
import type { ServerTally } from '../bench/src/handover/gapServer.js';
import { parseGapArgs, type GapRows } from '../bench/src/handover/gapTypes.js';

const run = promisify(execFile);

/** A process's rows with nothing but what a test gives. */
function rows(given: Partial<GapRows>): GapRows {
  return { releases: [], messages: [], grants: [], holds: 0, cpuMs: 0, counts: {}, ...given };
}

const server: ServerTally = {
  commands: {
    evalsha: { calls: 4, usec: 400 },
    publish: { calls: 2, usec: 6 },
    info: { calls: 9, usec: 90 },
  },
  scripts: { 'evalsha abcdef': [100, 120] },
  cpuSeconds: 0.0006,
};

describe('bench handover gap tool', () => {
  it('reads its arguments, with the one-key workload by default', () => {
    expect(parseGapArgs(['/wt/old'])).to.deep.equal({
      root: '/wt/old',
      processes: 4,
      clients: 4,
      hold: 5,
      ms: 4000,
      limit: 0,
      hooks: false,
    });
    expect(parseGapArgs(['/wt/new', '--limit', '4', '--ms', '300', '--hooks'])).to.include({
      limit: 4,
      ms: 300,
      hooks: true,
    });
    expect(() => parseGapArgs(['.', '--clients', 'many'])).to.throw('--clients needs a number');
  });

  it('joins each grant by fence with the release before it and the message that told its waiter', () => {
    const report = gapReport(
      parseGapArgs(['/wt', '--ms', '100']),
      [
        rows({
          releases: [[10, 1000, 1001]],
          grants: [[12, 1010.5, 3]],
          messages: [[12, 1010.25]],
          holds: 40,
          counts: { 'evalsha abcdef': 2 },
        }),
        rows({
          releases: [[11, 1010, 1010.75]],
          grants: [[11, 1000.5, 2]],
          messages: [[11, 1000.25]],
          holds: 50,
          counts: { 'evalsha abcdef': 2 },
        }),
      ],
      server,
    );
    const lineOf = (start: string): string => report.find((line) => line.startsWith(start)) ?? '';
    expect(lineOf('release sent → release answered')).to.match(/n=\s+2 .*mean\s+0\.875 ms/);
    expect(lineOf('release sent → wake-up received')).to.match(/n=\s+2 .*mean\s+0\.250 ms/);
    expect(lineOf('wake-up received → grant resolved')).to.match(/n=\s+2 .*mean\s+0\.250 ms/);
    expect(lineOf('release sent → next grant (gap)')).to.match(/n=\s+2 .*mean\s+0\.500 ms/);
    expect(lineOf('  gap, next holder in same process')).to.match(/n=\s+0 /);
    expect(lineOf('  gap, next holder in another')).to.match(/n=\s+2 /);
    expect(lineOf('longest gaps')).to.match(/: 0\.5\/(1\.0|0\.8)\/0\.3, 0\.5\/(1\.0|0\.8)\/0\.3$/);
    expect(lineOf('Σ gap')).to.equal('Σ gap 1 ms, of it in gaps over 5 ms: 0 ms');
    expect(lineOf('utilisation')).to.equal('utilisation Σ hold ÷ wall 0.900');
    expect(lineOf('redis per grant')).to.equal(
      'redis per grant: 3.00 commands: evalsha 2.00 (100.0 µs), publish 1.00 (3.0 µs)',
    );
    expect(lineOf('CPU per grant')).to.equal('CPU per grant: redis-server 300 µs, clients 0 µs');
    expect(lineOf('clients per grant')).to.equal('clients per grant: evalsha abcdef 2.00');
  });

  it('measures hand-overs of the built core on a redis-server of its own', async function () {
    this.timeout(60_000);
    const { stdout } = await run(
      process.execPath,
      [
        '--import=tsx',
        'bench/src/handover/handoverGap.ts',
        '.',
        '--processes',
        '2',
        '--clients',
        '2',
        '--ms',
        '500',
      ],
      { env: { ...process.env, NODE_OPTIONS: '' } },
    );
    const grants = Number(/grants (\d+)/.exec(stdout)?.[1]);
    expect(grants, stdout).to.be.greaterThan(5);
    // Nearly every grant is a hand-over whose waiter heard of it by message (not the first, nor one that found
    // the queue empty at the window's edges).
    const told = Number(/wake-up received\s+n=\s*(\d+)/.exec(stdout)?.[1]);
    expect(told, stdout).to.be.at.least(grants * 0.8);
    expect(stdout).to.match(/redis evalsha [0-9a-f]{6} /);
    expect(stdout).to.match(/clients per grant: .*evalsha [0-9a-f]{6} \d/);
  });
});
