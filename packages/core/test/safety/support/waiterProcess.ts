import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@deadbolt/testing';
import type { WaiterCommand, WaiterReport } from './stallableWaiter.js';

const STALLABLE_WAITER = fileURLToPath(new URL('./stallableWaiter.ts', import.meta.url));

/** The parent's handle on a {@link STALLABLE_WAITER} child: commands out, reports in, stop and continue. */
export class WaiterProcess {
  readonly #child: ChildProcess;
  readonly #reports: WaiterReport[] = [];

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (report: WaiterReport) => this.#reports.push(report));
  }

  /** Forks the waiter on `url` with key prefix `prefix` and resolves once it is ready. */
  static async start(url: string, prefix: string): Promise<WaiterProcess> {
    const child = fork(STALLABLE_WAITER, [url, prefix], {
      execArgv: ['--import=tsx', '--conditions=source'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const waiter = new WaiterProcess(child);
    await waiter.report((report) => report.type === 'ready', 'the waiter process to start', 30_000);
    return waiter;
  }

  send(command: WaiterCommand): void {
    this.#child.send(command);
  }

  /** The first report matching `matches`, if one came. */
  find(matches: (report: WaiterReport) => boolean): WaiterReport | undefined {
    return this.#reports.find(matches);
  }

  /** Waits for the first report matching `matches`. */
  async report(
    matches: (report: WaiterReport) => boolean,
    description: string,
    timeoutMs = 10_000,
  ): Promise<WaiterReport> {
    await waitUntil(() => this.find(matches) !== undefined, { description, timeoutMs, intervalMs: 5 });
    return this.find(matches) as WaiterReport;
  }

  /** SIGSTOPs the child and resolves once the kernel shows it stopped. */
  async stop(): Promise<void> {
    this.#child.kill('SIGSTOP');
    await waitUntil(() => processState(this.#child.pid ?? 0) === 'T', {
      description: 'the waiter process to stop',
      intervalMs: 2,
    });
  }

  resume(): void {
    this.#child.kill('SIGCONT');
  }

  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const exited = once(this.#child, 'exit');
    this.#child.kill('SIGKILL');
    await exited;
  }
}

/** The state letter of a Linux process (`R`, `S`, `T` stopped, ...). */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}
