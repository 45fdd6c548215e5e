import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FromWorker, ToWorker } from './worker/protocol.js';

const WORKER_FILE = fileURLToPath(new URL('./worker/main.ts', import.meta.url));

/**
 * A forked worker process and its request/reply channel: every message sent gets exactly one
 * reply. A worker that dies or does not answer in time fails the pending request instead of hanging the run.
 */
export class WorkerHandle {
  readonly #child: ChildProcess;
  #pending: { resolve: (reply: FromWorker) => void; reject: (error: Error) => void } | undefined;
  #exited: Error | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (reply: FromWorker) => {
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.resolve(reply);
    });
    child.on('exit', (code, signal) => {
      this.#exited = new Error(`bench worker ${child.pid} exited (code ${code}, signal ${signal})`);
      this.#pending?.reject(this.#exited);
      this.#pending = undefined;
    });
  }

  /**
   * Forks a worker process, with `nodeOptions` (such as `--expose-gc`) added to its Node flags. The worker's
   * own files run through tsx, but without the `source` export condition, so the `@deadbolt/*` packages it
   * measures load from their built `dist/` output, the code users install (`pnpm bench` builds it first).
   */
  static fork(nodeOptions: readonly string[] = []): WorkerHandle {
    const execArgv = ['--import=tsx', ...nodeOptions];
    return new WorkerHandle(fork(WORKER_FILE, [], { execArgv, stdio: 'inherit' }));
  }

  /**
   * Sends `message` and resolves with the worker's reply of type `expected`.
   * @throws when the worker fails, replies otherwise, exits, or takes longer than `timeoutMs`.
   */
  async request<T extends FromWorker['type']>(
    message: ToWorker,
    expected: T,
    timeoutMs: number,
  ): Promise<Extract<FromWorker, { type: T }>> {
    if (this.#exited) throw this.#exited;
    if (this.#pending) throw new Error('bench worker: a request is already pending');
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = await new Promise<FromWorker>((resolve, reject) => {
        this.#pending = { resolve, reject };
        timer = setTimeout(
          () => reject(new Error(`bench worker did not answer '${message.type}' in ${timeoutMs} ms`)),
          timeoutMs,
        );
        this.#child.send(message);
      });
      if (reply.type === 'failed') throw new Error(`bench worker failed: ${reply.message}`);
      if (reply.type !== expected)
        throw new Error(`bench worker replied ${reply.type}, expected ${expected}`);
      return reply as Extract<FromWorker, { type: T }>;
    } finally {
      clearTimeout(timer);
      this.#pending = undefined;
    }
  }

  /** Ends the worker: disconnecting makes it exit; resolves once it is gone. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
