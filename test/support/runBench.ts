import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'bench', 'src', 'main.ts');

/**
 * Runs the bench script like `pnpm bench` does and resolves with its exit code and output. A bench that runs
 * longer than `timeoutMs` (keep it under the test's timeout) is killed, not left running after the test.
 *
 * @example
 * ```ts
 * const { code, output } = await runBench(['--quick', '--out', outDir], 110_000)
 * ```
 */
export function runBench(
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import=tsx', '--conditions=source', MAIN, ...args], {
      cwd: join(ROOT, 'bench'),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
