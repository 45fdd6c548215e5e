import { execFile } from 'node:child_process';

/** What a child process did. */
export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node` with tsx from source (as the README's commands do) and collects what it printed. */
export function node(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--conditions=source', '--import=tsx', ...args],
      // A hung child is killed (its test then fails on the exit code) rather than left running.
      {
        maxBuffer: 64 * 1024 * 1024,
        env: { ...process.env, ...env },
        timeout: 600_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) => {
        const code = error ? Number((error as { code?: unknown }).code ?? 99) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
