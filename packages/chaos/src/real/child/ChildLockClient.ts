import { fork, type ChildProcess } from 'node:child_process';
import type { AdapterAcquireOptions, LockClient, LockHandle } from '../../adapter/LockAdapter.js';
import type { ClientClock } from '../../world/ClientClock.js';
import type { Suspendable } from '../ProxiedConnection.js';
import {
  toError,
  type ChildInit,
  type FromChild,
  type HandleInfo,
  type OkReply,
  type Operation,
  type ToChild,
} from './protocol.js';

/** The child's entry: next to this module, `.ts` when running from source (through tsx), `.js` from dist. */
function entry(): { file: URL; execArgv: string[] } {
  const source = import.meta.url.endsWith('.ts');
  return {
    file: new URL(source ? './clientProcess.ts' : './clientProcess.js', import.meta.url),
    execArgv: source ? ['--import=tsx', '--conditions=source'] : [],
  };
}

/** Sends `name` to `pid`; a process that has just exited is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // ESRCH: it exited in between; its 'exit' event is on its way
  }
}

type Pending = { resolve: (m: OkReply) => void; reject: (e: Error) => void };

/**
 * The parent's side of a client that runs in a child process: a {@link LockClient} whose operations run over IPC
 * in the child, with handles that mirror the child's (token, fence, validity deadline, loss). {@link suspend}
 * SIGSTOPs the child and SIGCONTs it later: its timers and renewals really stop while Redis keeps running.
 *
 * @example
 * ```ts
 * const client = await ChildLockClient.fork(init, clock)
 * client.suspend(2 * ttl) // a real pause
 * await client.kill()
 * ```
 */
/**
 * How long a client process may take to connect and build its lock (loading node-redis alone takes seconds on a
 * loaded machine).
 */
const START_TIMEOUT_MS = 60_000;

export class ChildLockClient implements LockClient, Suspendable {
  readonly #child: ChildProcess;
  readonly #clock: ClientClock;
  readonly #pending = new Map<number, Pending>();
  readonly #handles = new Map<number, MirroredHandle>();
  readonly #exited: Promise<void>;
  #op = 0;
  #resumeAt = 0;
  #resume: NodeJS.Timeout | undefined;
  #alive = true;

  private constructor(child: ChildProcess, clock: ClientClock) {
    this.#child = child;
    this.#clock = clock;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.#exited.then(() => this.#gone());
    child.on('message', (message: FromChild) => this.#receive(message));
    child.on('error', () => {});
  }

  /** Forks the client process and resolves once it is connected and its lock built. */
  static async fork(init: Omit<ChildInit, 'type'>, clock: ClientClock): Promise<ChildLockClient> {
    const { file, execArgv } = entry();
    const child = fork(file, [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const client = new ChildLockClient(child, clock);
    clock.onChange = (state) => client.#send({ type: 'clock', clock: state });
    const ready = new Promise<void>((resolve, reject) => {
      child.on('message', (m: FromChild) => m.type === 'ready' && resolve());
      void client.#exited.then(() =>
        reject(new Error(`client process ${init.id} exited before it was ready`)),
      );
    });
    client.#send({ type: 'init', ...init });
    // A child that cannot connect must not hang the run: give up, and kill it, after a bound.
    let timer: NodeJS.Timeout | undefined;
    const startBound = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`client process ${init.id} was not ready within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([ready, startBound]);
    } catch (error) {
      await client.kill();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  /** The child's pid (while it runs). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Locks `keys` together in the child (a `multiKey` lock). */
  acquireAll(keys: readonly string[], options: AdapterAcquireOptions): Promise<LockHandle | null> {
    return this.acquire(keys, options);
  }

  async acquire(
    key: string | readonly string[],
    { ttl, wait, limit, shared }: AdapterAcquireOptions,
  ): Promise<LockHandle | null> {
    const mode = { ...(limit === undefined ? {} : { limit }), ...(shared === undefined ? {} : { shared }) };
    const reply = await this.request({ type: 'acquire', op: 0, key, ttl, wait, ...mode });
    if (reply.handle === undefined) return null;
    const handle = new MirroredHandle(this, reply.handle, this.#clock);
    this.#handles.set(reply.handle.handle, handle);
    return handle;
  }

  async close(): Promise<void> {
    await this.request({ type: 'close', op: 0 });
  }

  /** Freezes the child for `ms` (SIGSTOP now, SIGCONT later; a longer pause wins). */
  suspend(ms: number): void {
    const pid = this.#child.pid;
    const until = Date.now() + ms;
    if (!this.#alive || pid === undefined || until <= this.#resumeAt) return;
    this.#resumeAt = until;
    signal(pid, 'SIGSTOP');
    clearTimeout(this.#resume);
    this.#resume = setTimeout(() => {
      this.#resume = undefined;
      if (this.#alive) signal(pid, 'SIGCONT');
    }, ms);
  }

  /** Kills the child (SIGKILL, also when stopped) and waits for it to exit. */
  async kill(): Promise<void> {
    clearTimeout(this.#resume);
    if (this.#alive) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  /** Sends one operation (its `op` is assigned here) and resolves its reply; rejects what the child rejected. */
  request(message: Operation): Promise<OkReply> {
    const op = (this.#op += 1);
    return new Promise((resolve, reject) => {
      if (!this.#alive) return reject(new Error('client process exited'));
      this.#pending.set(op, { resolve, reject });
      this.#send({ ...message, op });
    });
  }

  #send(message: ToChild): void {
    if (this.#alive && this.#child.connected) this.#child.send(message);
  }

  #receive(message: FromChild): void {
    if (message.type === 'reply') {
      const pending = this.#pending.get(message.op);
      this.#pending.delete(message.op);
      if (message.ok) pending?.resolve(message);
      else pending?.reject(toError(message.error));
    } else if (message.type === 'deadline') {
      this.#handles.get(message.handle)?.moveDeadline(message.deadline);
    } else if (message.type === 'abort') {
      this.#handles.get(message.handle)?.abort(toError(message.reason));
      this.#handles.delete(message.handle);
    }
  }

  #gone(): void {
    this.#alive = false;
    clearTimeout(this.#resume);
    for (const pending of this.#pending.values()) pending.reject(new Error('client process exited'));
    this.#pending.clear();
  }
}

/** A handle held in the child, as the parent sees it: validity from the child's deadline, on the same clock. */
class MirroredHandle implements LockHandle {
  readonly token: string;
  readonly fence?: number;
  readonly signal?: AbortSignal;
  readonly remaining?: () => number;
  readonly #controller = new AbortController();
  readonly #client: ChildLockClient;
  readonly #id: number;
  #deadline: number;

  constructor(client: ChildLockClient, info: HandleInfo, clock: ClientClock) {
    this.#client = client;
    this.#id = info.handle;
    this.token = info.token;
    this.#deadline = info.deadline ?? Number.POSITIVE_INFINITY;
    if (info.fence !== undefined) this.fence = info.fence;
    if (info.signal) this.signal = this.#controller.signal;
    if (info.deadline !== undefined) this.remaining = () => Math.max(0, this.#deadline - clock.now());
  }

  moveDeadline(deadline: number): void {
    this.#deadline = deadline;
  }

  abort(reason: Error): void {
    this.#controller.abort(reason);
  }

  release(): Promise<unknown> {
    return this.#client.request({ type: 'release', op: 0, handle: this.#id });
  }

  extend(): Promise<unknown> {
    return this.#client.request({ type: 'extend', op: 0, handle: this.#id });
  }
}
