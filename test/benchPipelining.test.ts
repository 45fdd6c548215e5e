import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { splicePipelining, type PipeliningRecord } from '../bench/src/pipelining/pipeliningRun.js';
import { cyclesPerSecond, perCycle, type PipeliningRow } from '../bench/src/pipelining/pipeliningTypes.js';
import { runBench } from './support/runBench.js';

// The concurrent-acquires scenario end to end, on a redis-server of its own: its speeds are for RESULTS.md, but
// what a cycle sends is not load-dependent, so the counts are asserted.
describe('pnpm bench --pipelining --quick', function () {
  this.timeout(90_000);
  let outDir: string;
  let rows: readonly PipeliningRow[];
  let results: string;

  before(async function () {
    outDir = await mkdtemp(join(tmpdir(), 'deadbolt-bench-pipelining-'));
    const { code, output } = await runBench(['--pipelining', '--quick', '--out', outDir], 80_000);
    expect(code, output).to.equal(0);
    results = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    const record = JSON.parse(await readFile(join(outDir, 'pipelining.json'), 'utf8')) as PipeliningRecord;
    rows = record.result.rows;
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  const row = (lock: PipeliningRow['lock'], autoPipelining: boolean): PipeliningRow => {
    const found = rows.find((r) => r.lock === lock && r.autoPipelining === autoPipelining);
    if (!found) throw new Error(`no row for ${lock} with auto-pipelining ${autoPipelining}`);
    return found;
  };

  it('writes the section between its markers with a row per lock and setting', function () {
    const section = results.slice(
      results.indexOf('<!-- pipelining:start -->'),
      results.indexOf('<!-- pipelining:end -->'),
    );
    expect(section).to.contain('## Concurrent acquires and auto-pipelining');
    for (const prefix of [
      '| raw floor | off |',
      '| raw floor | on |',
      '| deadbolt | off |',
      '| deadbolt | on |',
    ])
      expect(
        section.split('\n').filter((line) => line.startsWith(prefix)),
        prefix,
      ).to.have.length(1);
  });

  it('completes cycles without errors, with CPU and latency measured', function () {
    for (const r of rows) {
      const name = `${r.lock}, auto-pipelining ${r.autoPipelining}`;
      expect(r.errors, `${name}: ${r.firstError}`).to.equal(0);
      expect(cyclesPerSecond(r), name).to.be.greaterThan(100);
      expect(r.roundCyclesPerSec, `${name}: one measured round with --quick`).to.have.length(1);
      expect(perCycle(r, r.clientCpuMicros), name).to.be.greaterThan(0);
      expect(perCycle(r, r.redisCpuMicros), name).to.be.greaterThan(0);
      expect(r.acquireP50Ms, name).to.be.greaterThan(0).and.at.most(r.acquireP99Ms);
    }
  });

  it('sends two commands a cycle, batched or not, and Redis runs at least those', function () {
    for (const r of rows) {
      const name = `${r.lock}, auto-pipelining ${r.autoPipelining}`;
      expect(perCycle(r, r.clientCommands), name).to.be.within(2, 2.01);
      expect(perCycle(r, r.redisCommands), name).to.be.at.least(perCycle(r, r.clientCommands));
    }
  });

  it('writes to the socket once a command without auto-pipelining, and far less often with it', function () {
    for (const lock of ['raw', 'deadbolt'] as const) {
      expect(perCycle(row(lock, false), row(lock, false).socketWrites), lock).to.be.within(1.99, 2.01);
      expect(perCycle(row(lock, true), row(lock, true).socketWrites), lock).to.be.below(0.5);
    }
  });

  it('puts its section back into a RESULTS.md that a full run rewrote, once', async function () {
    const markdown = join(outDir, 'RESULTS.md');
    await writeFile(markdown, '# deadbolt benchmarks\n\n## Settings\n\nrewritten\n');
    await splicePipelining(outDir);
    await splicePipelining(outDir);
    const spliced = await readFile(markdown, 'utf8');
    expect(spliced.split('## Concurrent acquires and auto-pipelining')).to.have.length(2);
    expect(spliced.indexOf('<!-- pipelining:end -->')).to.be.below(spliced.indexOf('## Settings'));
    expect(spliced).to.contain('rewritten');
  });
});
