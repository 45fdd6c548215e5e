import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { runBench } from './support/runBench.js';

// A smoke check that the many-held-locks scenario runs end to end; its numbers are for RESULTS.md, not asserted.
describe('pnpm bench --held --quick', function () {
  this.timeout(90_000);
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'deadbolt-bench-held-'));
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('exits 0 and writes held.json and the Many held locks section with a row per count', async () => {
    const { code, output } = await runBench(
      ['--held', '--quick', '--held-counts', '300', '--out', outDir],
      80_000,
    );
    expect(code, output).to.equal(0);
    const results = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    expect(results).to.contain('## Many held locks');
    expect(results.split('\n').filter((line) => line.startsWith('| 300 |'))).to.have.length(1);
    const held = JSON.parse(await readFile(join(outDir, 'held.json'), 'utf8')) as {
      result: { rows: { locks: number; renewals: number }[] };
    };
    expect(held.result.rows.map((row) => row.locks)).to.deep.equal([300]);
    expect(held.result.rows[0]?.renewals, 'renewals seen in the watch window').to.be.greaterThan(0);
  });
});
