import { rmSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();
let hooked = false;

/** Synchronously SIGKILLs every tracked process and removes every tracked directory. */
function cleanupSync(): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  pids.clear();
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // best effort at exit
    }
  }
  dirs.clear();
}

function ensureExitHook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', cleanupSync);
}

/** Registers a spawned redis-server pid so it is SIGKILLed if the process exits with it still running. */
export function trackPid(pid: number): void {
  ensureExitHook();
  pids.add(pid);
}

/** Forgets a pid once its process has exited. */
export function untrackPid(pid: number): void {
  pids.delete(pid);
}

/** Registers a temporary directory to remove at process exit if nobody removed it before. */
export function trackDir(dir: string): void {
  ensureExitHook();
  dirs.add(dir);
}

/** Forgets a temporary directory once it has been removed. */
export function untrackDir(dir: string): void {
  dirs.delete(dir);
}

/**
 * The pids of redis-server processes started by this process that have not exited yet.
 *
 * @example
 * ```ts
 * after(() => assert.deepEqual(runningRedisPids(), [])); // nothing leaked
 * ```
 */
export function runningRedisPids(): number[] {
  return [...pids];
}
