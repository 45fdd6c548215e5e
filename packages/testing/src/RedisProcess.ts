import { spawn, type ChildProcess } from 'node:child_process';
import { Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { probeRedis } from './probeRedis.js';
import { trackPid, untrackPid } from './registry.js';

/** How much of the process's stdout/stderr is kept for error messages. */
const OUTPUT_LIMIT = 8192;
const POLL_INTERVAL_MS = 20;

/** Internal: redis-server could not bind its port (someone else took it). */
export class AddressInUseError extends Error {
  override readonly name = 'AddressInUseError';
}

/** What {@link launchRedis} needs. */
export interface LaunchOptions {
  binary: string;
  host: string;
  port: number;
  /** Working directory (`--dir`) of the server. */
  dir: string;
  /** Arguments appended after the defaults (later arguments win in redis-server). */
  args: readonly string[];
  startTimeoutMs: number;
  /** Variables added to the process's environment. Default: none. */
  env?: Readonly<Record<string, string>> | undefined;
}

/** Internal handle on one redis-server child process. */
export class RedisProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited (or failed to spawn). Never rejects. */
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  #output = '';
  #done = false;
  #spawnError: Error | undefined;

  constructor(binary: string, args: readonly string[], cwd: string, env?: Readonly<Record<string, string>>) {
    const environment = env === undefined ? undefined : { ...process.env, ...env };
    this.#child = spawn(binary, args, { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    this.pid = this.#child.pid;
    if (this.pid !== undefined) trackPid(this.pid);
    const collect = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_LIMIT);
    };
    this.#child.stdout?.on('data', collect);
    this.#child.stderr?.on('data', collect);
    this.exited = new Promise((resolveExit) => {
      const finish = (): void => {
        this.#done = true;
        if (this.pid !== undefined) untrackPid(this.pid);
        resolveExit();
      };
      this.#child.once('exit', finish);
      this.#child.on('error', (error) => {
        if (this.pid !== undefined) return; // signalling errors on a live process are not exits
        this.#spawnError = error;
        finish();
      });
    });
  }

  /** True until the process has exited. */
  get running(): boolean {
    return !this.#done && this.pid !== undefined;
  }

  /** The last few KiB of the process's stdout and stderr. */
  get output(): string {
    return this.#output;
  }

  /** Sends a signal if the process is still running. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }

  /** Stops this handle from keeping the Node.js event loop alive (the exit hook still kills it). */
  detach(): void {
    this.#child.unref();
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream instanceof Socket) stream.unref();
    }
  }

  /**
   * Waits for exit while keeping the event loop alive. With `timeoutMs`, gives up after that long.
   *
   * @returns whether the process has exited.
   */
  async waitForExit(timeoutMs?: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    this.#child.ref();
    try {
      const timedOut = new Promise<void>((resolveTimeout) => {
        if (timeoutMs !== undefined) timer = setTimeout(resolveTimeout, timeoutMs);
      });
      await Promise.race([this.exited, timedOut]);
      return !this.running;
    } finally {
      clearTimeout(timer);
      this.#child.unref();
    }
  }

  /**
   * Ends the process gracefully: SIGCONT (in case it is paused), SIGTERM, and SIGKILL if it has not exited
   * after `graceMs`. Resolves once it exited.
   */
  async terminate(graceMs: number): Promise<void> {
    if (!this.running) return;
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    if (await this.waitForExit(graceMs)) return;
    this.signal('SIGKILL');
    await this.waitForExit();
  }

  /** Describes why the process ended during startup. */
  startFailure(port: number): Error {
    if (this.#spawnError !== undefined) {
      return new Error(`Could not spawn redis-server: ${this.#spawnError.message}`, {
        cause: this.#spawnError,
      });
    }
    const how = `code ${String(this.#child.exitCode)}, signal ${String(this.#child.signalCode)}`;
    const message = `redis-server on port ${port} exited during startup (${how}). Output:\n${this.#output}`;
    return /address already in use/i.test(this.#output) ? new AddressInUseError(message) : new Error(message);
  }
}

/** The fixed, test-friendly redis-server arguments (no persistence, loopback only, DEBUG allowed). */
export function baseRedisArgs(host: string, port: number, dir: string): string[] {
  return [
    '--port', String(port),
    '--bind', host,
    '--save', '',
    '--appendonly', 'no',
    '--daemonize', 'no',
    '--protected-mode', 'no',
    '--loglevel', 'warning',
    '--dir', dir,
    '--enable-debug-command', 'yes',
  ]; // prettier-ignore
}

/**
 * Spawns redis-server and resolves once a PING over TCP answers PONG from *this* process (its INFO
 * process_id matches), bounded by `startTimeoutMs`.
 *
 * @throws AddressInUseError if the port was taken; Error on any other early exit or on timeout.
 */
export async function launchRedis(options: LaunchOptions): Promise<RedisProcess> {
  const { host, port, dir } = options;
  const args = [...baseRedisArgs(host, port, dir), ...options.args];
  const proc = new RedisProcess(options.binary, args, dir, options.env);
  const deadline = Date.now() + options.startTimeoutMs;
  for (;;) {
    if (!proc.running) throw proc.startFailure(port);
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      proc.signal('SIGKILL');
      await proc.waitForExit();
      throw new Error(
        `redis-server on port ${port} did not answer PING within ${options.startTimeoutMs} ms. Output:\n${proc.output}`,
      );
    }
    const pid = await probeRedis(host, port, Math.min(remaining, 1000));
    if (pid !== undefined && pid === proc.pid && proc.running) {
      proc.detach();
      return proc;
    }
    await Promise.race([delay(POLL_INTERVAL_MS), proc.exited]);
  }
}
