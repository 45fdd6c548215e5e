// Runs a command to completion and returns its output; the error names the command and shows its output.
import { execFile } from 'node:child_process';

/** What a finished command printed, and its exit code. */
export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Options of {@link run}. */
export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill the command after this many ms. Default 60 000. */
  readonly timeout?: number;
}

/** Runs `file args` in `cwd`; rejects with the command line, exit code and output unless it exits 0. */
export async function run(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  const result = await runAnyExit(file, args, options);
  if (result.code !== 0) {
    const output = [result.stdout, result.stderr].filter((text) => text.trim() !== '').join('\n');
    throw new Error(`${[file, ...args].join(' ')} (in ${options.cwd}) exited ${result.code}:\n${output}`);
  }
  return result;
}

/** Runs `file args` in `cwd` and resolves with its output and exit code; rejects only if it cannot run. */
export function runAnyExit(file: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: options.cwd,
        env: options.env ?? process.env,
        timeout: options.timeout ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr, code: 0 });
        else if (typeof error.code === 'number') resolve({ stdout, stderr, code: error.code });
        else
          reject(
            new Error(`${[file, ...args].join(' ')} (in ${options.cwd}) failed: ${error.message}\n${stderr}`),
          );
      },
    );
  });
}
