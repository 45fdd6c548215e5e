import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { SuiteHooks } from '../src/index.js';

/** True once `pid` no longer exists (a zombie waiting to be reaped counts as gone). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** The error code of a plain TCP connect to 127.0.0.1:`port`, or undefined if it connected. */
export function connectErrorCode(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
  });
}

/** Suite hooks that record what a fixture registers, for a test to run them by hand. */
export function recordingHooks(): {
  hooks: SuiteHooks;
  registered: { before: (() => Promise<void>)[]; after: (() => Promise<void>)[] };
} {
  const registered: { before: (() => Promise<void>)[]; after: (() => Promise<void>)[] } = {
    before: [],
    after: [],
  };
  const hooks: SuiteHooks = {
    before: (fn) => registered.before.push(fn),
    after: (fn) => registered.after.push(fn),
  };
  return { hooks, registered };
}
