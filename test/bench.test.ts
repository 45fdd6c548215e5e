import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { FRAMEWORK_NAMES, FRAMEWORKS } from '../bench/src/middleware/frameworks.js';
import { runBench } from './support/runBench.js';

const PEERS = ['deadbolt', 'redlock', 'redis-semaphore'];
/** deadbolt and the raw floor on the other client (issue 22), in the uncontended scenarios. */
const NODE_REDIS = ['raw floor (node-redis)', 'deadbolt (node-redis)'];
/** Every table of the lock scenarios (by the start of its heading) and the libraries it has a row for. */
const LOCK_TABLES: readonly { heading: string; libraries: readonly string[] }[] = [
  {
    heading: 'Uncontended acquire+release',
    libraries: ['raw floor', 'fenced floor', ...PEERS, ...NODE_REDIS],
  },
  {
    heading: '64 concurrent clients on distinct keys',
    libraries: ['raw floor', 'fenced floor', ...PEERS, ...NODE_REDIS],
  },
  { heading: '16 clients across 4 processes on one key', libraries: ['raw floor', 'FIFO floor', ...PEERS] },
  { heading: 'One lock client per process: 16 clients', libraries: ['raw floor', ...PEERS] },
  { heading: 'Redlock quorum on 3 independent masters', libraries: PEERS },
  { heading: 'Redlock quorum on 3 masters with one master paused', libraries: PEERS },
  { heading: 'Semaphore (limit 4)', libraries: ['FIFO floor', 'deadbolt', 'redis-semaphore'] },
  { heading: 'Read-write lock, 90 % shared', libraries: ['deadbolt', 'deadbolt (mutex)'] },
];
const MIDDLEWARE_HEADING = `${FRAMEWORK_NAMES} middleware overhead`;
/** Scenario tables have at least this many columns; the environment table (package versions) has two. */
const MIN_CELLS = 8;

/** The body of the `## heading…` section of `markdown` (up to the next `## `); fails when there is none. */
function section(markdown: string, heading: string): string {
  const parts = markdown.split('\n## ').filter((part) => part.startsWith(heading));
  expect(parts, `sections starting "## ${heading}"`).to.have.length(1);
  return parts[0] ?? '';
}

/** The table rows of `text` whose first cell is `first`, with at least `minCells` cells. */
function rows(text: string, first: string, minCells: number): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`| ${first} |`) && line.split('|').length > minCells);
}

/** The cell of `column` in the table row `row`, by the header line of the table in `text`. */
function cell(text: string, row: string, column: string): string {
  const header = text.split('\n').find((line) => line.startsWith('| library |'));
  const index = (header ?? '')
    .split('|')
    .map((name) => name.trim())
    .indexOf(column);
  expect(index, `column "${column}"`).to.be.greaterThan(0);
  return row.split('|')[index]?.trim() ?? '';
}

// A smoke check that the benchmark runs end to end; benchmarks are never timed tests.
describe('pnpm bench --quick', function () {
  this.timeout(180_000);
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'deadbolt-bench-'));
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('exits 0 and writes a table row per library in every scenario, the middleware table, and the chart', async () => {
    const { code, output } = await runBench(['--quick', '--out', outDir], 170_000);
    expect(code, output).to.equal(0);
    const results = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    for (const table of LOCK_TABLES) {
      const body = section(results, table.heading);
      for (const library of table.libraries) {
        expect(rows(body, library, MIN_CELLS), `${table.heading}: rows of ${library}`).to.have.length(1);
      }
    }
    const distinct = section(results, '64 concurrent clients on distinct keys');
    for (const library of ['raw floor', 'deadbolt', ...NODE_REDIS]) {
      const [row = ''] = rows(distinct, library, MIN_CELLS);
      for (const column of ['client cmds/grant', 'client CPU µs/grant', 'Redis CPU µs/grant']) {
        expect(Number(cell(distinct, row, column)), `${library}: ${column}`).to.be.greaterThan(0);
      }
    }
    const semaphore = section(results, 'Semaphore (limit 4)');
    for (const library of ['FIFO floor', 'deadbolt', 'redis-semaphore']) {
      const [row = ''] = rows(semaphore, library, MIN_CELLS);
      // utilisation is the share of the 4 permits held: more than 1 would mean more than 4 holders at once
      const utilisation = Number(cell(semaphore, row, 'utilisation'));
      expect(utilisation, `semaphore: utilisation of ${library}`).to.be.greaterThan(0).and.at.most(1);
      expect(
        Number(cell(semaphore, row, 'p99 ÷ fair bound')),
        `semaphore: p99 of ${library}`,
      ).to.be.greaterThan(0);
      expect(cell(semaphore, row, 'errors'), `semaphore: errors of ${library}`).to.equal('0');
    }
    const readWrite = section(results, 'Read-write lock, 90 % shared');
    for (const library of ['deadbolt', 'deadbolt (mutex)']) {
      const [row = ''] = rows(readWrite, library, MIN_CELLS);
      expect(
        Number(cell(readWrite, row, '× deadbolt (mutex)')),
        `read-write: ratio of ${library}`,
      ).to.be.greaterThan(0);
      expect(cell(readWrite, row, 'utilisation'), `read-write: utilisation of ${library}`).to.equal('—');
      expect(cell(readWrite, row, 'errors'), `read-write: errors of ${library}`).to.equal('0');
    }
    expect(section(results, 'Targets')).to.match(/\| semaphore \| .* \| permit utilisation \d+\.\d+ /);
    expect(section(results, 'Targets')).to.match(/\| read-write \| .* \| \d+\.\d+ × the plain mutex \|/);
    const middleware = section(results, MIDDLEWARE_HEADING);
    for (const { name: framework } of FRAMEWORKS) {
      // without the middleware, behind the raw lock floor, and behind lockRequests
      expect(rows(middleware, framework, MIN_CELLS), `middleware rows of ${framework}`).to.have.length(3);
      expect(results, `middleware target of ${framework}`).to.contain(`| middleware (${framework}) |`);
    }
    expect(section(results, 'Targets')).to.match(/on node-redis \d+\.\d+ × its raw floor/);
    expect(results).not.to.contain('## Soak');
    expect(results).to.contain('](results.svg)');
    expect(await readFile(join(outDir, 'results.svg'), 'utf8')).to.match(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  });
});
