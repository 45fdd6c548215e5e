import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { expect } from './chai.js';
import { waitUntil } from '../src/index.js';
import { processGone } from './helpers.js';

const fixture = fileURLToPath(new URL('./fixtures/leakServer.ts', import.meta.url));

async function runLeakingProcess(mode: string): Promise<{ code: number | null; pid: number; dir: string }> {
  // A child that hangs is killed under the suite's 20 s (its test then fails on the missing report).
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 15_000,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.resume();
  const [code] = (await once(child, 'exit')) as [number | null];
  const { pid, dir } = JSON.parse(stdout) as { pid: number; dir: string };
  return { code, pid, dir };
}

describe('exit cleanup', function () {
  this.timeout(20_000);

  for (const [mode, expectedCode] of [
    ['throw', 1],
    ['exit', 0],
    ['return', 0],
  ] as const) {
    it(`kills a forgotten server and removes its tmp dir when the process ends by '${mode}'`, async () => {
      const { code, pid, dir } = await runLeakingProcess(mode);
      expect(code).to.equal(expectedCode);
      expect(pid).to.be.a('number');
      // The orphan is reaped by init; allow a moment for that.
      await waitUntil(() => processGone(pid), { timeoutMs: 5000, description: `pid ${pid} to be gone` });
      expect(existsSync(dir)).to.equal(false);
    });
  }
});
