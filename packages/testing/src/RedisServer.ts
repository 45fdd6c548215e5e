import { Redis, type RedisOptions } from 'ioredis';
import { ignoreError, testClientOptions } from './clientOptions.js';
import { HOST, launchServer, removeDir } from './launchServer.js';
import { parseCommandStats } from './parseCommandStats.js';
import { parseCpuSeconds } from './parseCpuSeconds.js';
import { launchRedis, type LaunchOptions, type RedisProcess } from './RedisProcess.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import type { ServerClock } from './ServerClock.js';
import { serverStarted, serverStopping } from './serverHooks.js';

/** How long stop() waits after SIGTERM before sending SIGKILL. */
const STOP_GRACE_MS = 5000;

/**
 * A real redis-server child process on 127.0.0.1 with no persistence, for tests: pause (SIGSTOP),
 * resume, kill (SIGKILL), restart on the same port with an empty dataset, and tracked clients.
 * Every process is SIGKILLed at process exit if still running.
 *
 * @example
 * ```ts
 * await using server = await RedisServer.start();
 * const client = server.client();
 * await client.set('k', 'v');
 * server.pause(); // the server stalls; TCP connections stay open
 * server.resume();
 * ```
 */
export class RedisServer implements AsyncDisposable {
  /** Always the loopback address. */
  readonly host = HOST;
  /** The TCP port; restart() keeps it. */
  readonly port: number;
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The server's private temporary working directory (`--dir`), removed by stop(). */
  readonly dir: string;
  readonly #launch: LaunchOptions;
  readonly #clock: ServerClock | undefined;
  readonly #clients = new Set<Redis>();
  #process: RedisProcess;
  #paused = false;
  #stopping: Promise<void> | undefined;
  #admin: Redis | undefined;

  private constructor(launch: LaunchOptions, proc: RedisProcess, clock: ServerClock | undefined) {
    this.#launch = launch;
    this.#clock = clock;
    this.#process = proc;
    this.port = launch.port;
    this.dir = launch.dir;
    this.url = `redis://${HOST}:${launch.port}`;
  }

  /**
   * Starts redis-server and resolves once it answers PING (and the `started` hooks of
   * `addRedisServerHooks` ran).
   *
   * @throws {@link RedisServerNotFoundError} if no binary is found; Error if it does not start in time.
   * @example
   * ```ts
   * const server = await RedisServer.start({ args: ['--maxmemory', '10mb'] });
   * ```
   */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const launched = await launchServer(options);
    const server = new RedisServer(launched.launch, launched.process, launched.clock);
    try {
      await serverStarted(server, options.cluster ?? false);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * The server's wall clock, to step it while the server runs (see {@link ServerClock}).
   *
   * @throws Error when the server was not started with `clock: true`.
   * @example
   * ```ts
   * const server = await RedisServer.start({ clock: true });
   * server.clock.step(-30_000); // the server's clock goes 30 s back
   * ```
   */
  get clock(): ServerClock {
    if (this.#clock === undefined)
      throw new Error(`RedisServer.clock: port ${this.port} was not started with { clock: true }`);
    return this.#clock;
  }

  /** The process id, or undefined when the process is not running. */
  get pid(): number | undefined {
    return this.#process.running ? this.#process.pid : undefined;
  }

  /** Whether the process is alive (a paused process is running). */
  get running(): boolean {
    return this.#process.running;
  }

  /** Whether the process is stopped with SIGSTOP. */
  get paused(): boolean {
    return this.#paused && this.#process.running;
  }

  /**
   * SIGSTOPs the process: it stops answering but its TCP connections stay open.
   *
   * @throws Error if the process is not running.
   * @example
   * ```ts
   * server.pause();
   * await expect(server.client({ commandTimeout: 100 }).ping()).to.be.rejectedWith(/timed out/);
   * ```
   */
  pause(): void {
    if (!this.#process.running) throw new Error(`RedisServer.pause(): port ${this.port} is not running`);
    this.#process.signal('SIGSTOP');
    this.#paused = true;
  }

  /**
   * SIGCONTs a paused process; commands sent meanwhile are then answered. No-op when not running.
   *
   * @example
   * ```ts
   * server.resume();
   * ```
   */
  resume(): void {
    this.#process.signal('SIGCONT');
    this.#paused = false;
  }

  /**
   * SIGKILLs the process (paused or not) and resolves once it exited. The dataset is lost; connections
   * are refused until restart(). No-op when not running.
   *
   * @example
   * ```ts
   * await server.kill();
   * await server.restart();
   * ```
   */
  async kill(): Promise<void> {
    this.#process.signal('SIGKILL');
    await this.#process.waitForExit();
    this.#paused = false;
  }

  /**
   * Starts the server again on the same port (killing it first if running) and resolves once it answers PING.
   * The dataset is empty, unless `args` turned persistence on (`--appendonly yes`): the server then loads
   * what its AOF or RDB file in `dir` holds, as after a crash and restart. Existing clients reconnect on their own. A cluster node keeps its
   * `nodes.conf`, so it rejoins with the same id and slots.
   *
   * @throws Error after stop(), or if the process does not come back within `startTimeoutMs`.
   * @example
   * ```ts
   * await server.restart(); // same port, empty dataset
   * ```
   */
  async restart(): Promise<void> {
    if (this.#stopping !== undefined) throw new Error(`RedisServer.restart(): server was stopped`);
    await this.kill();
    this.#process = await launchRedis(this.#launch);
  }

  /**
   * Runs the `stopping` hooks of `addRedisServerHooks`, disconnects tracked clients, SIGCONTs if paused, SIGTERMs (SIGKILL after 5 s), and removes the
   * tmp dir. Idempotent: every call returns the same promise. The server cannot be restarted afterwards.
   *
   * @example
   * ```ts
   * after(() => server.stop());
   * ```
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  async #shutdown(): Promise<void> {
    await serverStopping(this);
    const clients = [...this.#clients];
    this.#clients.clear();
    const closed = Promise.all(clients.map(socketClosed));
    // A client already closed (by the test's own quit) is left alone: ioredis' disconnect() would arm its 2 s
    // timer on a socket whose close, the only thing that clears it, has already happened.
    for (const client of clients)
      if (client.status !== 'end' && client.status !== 'close') client.disconnect();
    await this.#process.terminate(STOP_GRACE_MS);
    // Its clients' sockets are closed once stop() resolves: ioredis arms a ref'd 2 s timer on disconnect() that
    // only the socket's close clears, so a process that exits by itself must not see stop() return before it.
    await withinGrace(closed);
    this.#paused = false;
    await removeDir(this.dir);
  }

  /**
   * A new ioredis client to this server with {@link testClientOptions} defaults merged with `options`,
   * a no-op 'error' listener, disconnected by stop().
   *
   * @throws Error after stop().
   * @example
   * ```ts
   * const client = server.client({ commandTimeout: 200 });
   * ```
   */
  client(options: RedisOptions = {}): Redis {
    if (this.#stopping !== undefined) throw new Error(`RedisServer.client(): server was stopped`);
    const client = new Redis(testClientOptions(HOST, this.port, options));
    client.on('error', ignoreError);
    this.#clients.add(client);
    return client;
  }

  /**
   * Call counts per command from `INFO commandstats`, e.g. `{ get: 3, evalsha: 10 }` (lower-case names;
   * subcommands as `config|resetstat`). Uses an internal tracked connection.
   *
   * @example
   * ```ts
   * await server.resetStats();
   * await client.set('k', 'v');
   * expect((await server.commandStats()).set).to.equal(1);
   * ```
   */
  async commandStats(): Promise<Record<string, number>> {
    return parseCommandStats(await this.#adminClient().info('commandstats'));
  }

  /**
   * CPU time the server process has used since it started, user plus system, in seconds (`INFO cpu`; not
   * reset by {@link RedisServer.resetStats}). Uses an internal tracked connection.
   *
   * @example
   * ```ts
   * const before = await server.cpuSeconds();
   * await runWorkload();
   * const used = (await server.cpuSeconds()) - before;
   * ```
   */
  async cpuSeconds(): Promise<number> {
    return parseCpuSeconds(await this.#adminClient().info('cpu'));
  }

  /**
   * Resets the statistics with `CONFIG RESETSTAT`.
   *
   * @example
   * ```ts
   * await server.resetStats();
   * ```
   */
  async resetStats(): Promise<void> {
    await this.#adminClient().call('CONFIG', 'RESETSTAT');
  }

  #adminClient(): Redis {
    this.#admin ??= this.client({ commandTimeout: 5000 });
    return this.#admin;
  }

  /** Same as stop(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

/** Resolves once `client`'s socket has closed (at once when it has none open, e.g. while it reconnects). */
function socketClosed(client: Redis): Promise<void> {
  const socket = client.stream as
    { closed?: boolean; once(event: 'close', listener: () => void): unknown } | undefined;
  if (socket === undefined || socket.closed !== false) return Promise.resolve();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Waits for `promise`, at most {@link STOP_GRACE_MS} (a client that never ends does not hang stop()). */
async function withinGrace(promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
  try {
    await Promise.race([promise, grace]);
  } finally {
    clearTimeout(timer);
  }
}
