import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MAIN = join(ROOT, 'bench', 'src', 'main.ts');
const LIBRARIES = ['raw floor', 'deadbolt', 'redlock', 'redis-semaphore'];
const SCENARIOS = 3;
/** Scenario tables have at least this many columns; the environment table (package versions) has two. */
const MIN_CELLS = 8;

/** Runs the bench script like `pnpm bench` does and resolves with its exit code and output. */
function runBench(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', '--conditions=source', MAIN, ...args], {
      cwd: join(ROOT, 'bench'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

// A smoke check that the benchmark runs end to end; benchmarks are never timed tests.
describe('pnpm bench --quick', function () {
  this.timeout(120_000);
  let outDir: string;

  before(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'deadbolt-bench-'));
  });

  after(async () => {
    await rm(outDir, { recursive: true, force: true });
  });

  it('exits 0 and writes a table row per library in every scenario, and the chart', async () => {
    const { code, output } = await runBench(['--quick', '--out', outDir]);
    expect(code, output).to.equal(0);
    const results = await readFile(join(outDir, 'RESULTS.md'), 'utf8');
    for (const library of LIBRARIES) {
      const rows = results
        .split('\n')
        .filter((line) => line.startsWith(`| ${library} |`) && line.split('|').length > MIN_CELLS);
      expect(rows, `rows of ${library}`).to.have.length(SCENARIOS);
    }
    expect(results).to.contain('](results.svg)');
    expect(await readFile(join(outDir, 'results.svg'), 'utf8')).to.match(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  });
});
