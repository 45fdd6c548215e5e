import type { Redis, RedisOptions } from 'ioredis';
import { parseInfoFields } from './clusterTopology.js';
import { RedisServer } from './RedisServer.js';
import type { RedisServerOptions } from './RedisServerOptions.js';
import { ReplicationLink } from './ReplicationLink.js';
import { startAll, stopAll } from './startAll.js';
import { waitUntil } from './waitUntil.js';

/**
 * Options of {@link RedisReplicaSet.start}; the server options apply to every server.
 *
 * @example
 * ```ts
 * const options: RedisReplicaSetOptions = { replicas: 2, args: ['--appendonly', 'yes'] };
 * ```
 */
export interface RedisReplicaSetOptions extends Omit<RedisServerOptions, 'port' | 'cluster'> {
  /** Number of replicas of the master, an integer >= 1. Default: 1. */
  replicas?: number;
}

/** Replicas sync at once and acknowledge their offset every second. */
const FAST_REPLICATION_ARGS = ['--repl-diskless-sync-delay', '0', '--repl-ping-replica-period', '1'];
/** How long {@link RedisReplicaSet.synced} waits by default, in ms. */
const SYNC_TIMEOUT_MS = 10_000;

/**
 * A master with N replicas (plain replication, no Sentinel), each replica attached through a link the test can
 * hold back ({@link RedisReplicaSet.holdReplication}), and manual failover: {@link RedisReplicaSet.promote}
 * (`REPLICAOF NO ONE`) and {@link RedisReplicaSet.killMaster} (SIGKILL, then promotion). start() resolves once
 * every replica is synced. Clients made by {@link RedisReplicaSet.client} connect to the master of the moment;
 * a client keeps its server across a failover (re-point it yourself, as an app without Sentinel must).
 *
 * @example
 * ```ts
 * await using set = await RedisReplicaSet.start({ replicas: 1 });
 * await set.client().set('k', 'v');
 * await set.synced();
 * const promoted = await set.killMaster(); // the replica is the master now
 * expect(await promoted.client().get('k')).to.equal('v');
 * ```
 */
export class RedisReplicaSet implements AsyncDisposable {
  /** Every server: the first master, then the replicas, in start order. */
  readonly servers: readonly RedisServer[];
  #master: RedisServer;
  #replicas: RedisServer[];
  readonly #links = new Map<RedisServer, ReplicationLink>();
  readonly #admins = new Map<RedisServer, Redis>();
  #stopping: Promise<void> | undefined;

  private constructor(servers: RedisServer[]) {
    const [master, ...replicas] = servers;
    if (master === undefined) throw new RangeError('RedisReplicaSet needs a master');
    this.servers = servers;
    this.#master = master;
    this.#replicas = replicas;
  }

  /**
   * Starts `1 + replicas` servers, attaches the replicas to the first one and waits until they are synced
   * (bounded by `startTimeoutMs`, default 10000). Everything is stopped again if that fails.
   *
   * @throws RangeError for a bad `replicas`; Error when the servers do not start or sync in time.
   * @example
   * ```ts
   * const set = await RedisReplicaSet.start({ replicas: 2 });
   * ```
   */
  static async start(options: RedisReplicaSetOptions = {}): Promise<RedisReplicaSet> {
    const { replicas = 1, ...serverOptions } = options;
    if (!Number.isInteger(replicas) || replicas < 1)
      throw new RangeError(`replicas must be an integer >= 1, got ${replicas}`);
    const args = [...FAST_REPLICATION_ARGS, ...(serverOptions.args ?? [])];
    const servers = await startAll(1 + replicas, () => RedisServer.start({ ...serverOptions, args }));
    const set = new RedisReplicaSet(servers);
    try {
      for (const replica of set.#replicas) await set.#attach(replica, set.#master);
      await set.synced(serverOptions.startTimeoutMs ?? SYNC_TIMEOUT_MS);
    } catch (error) {
      await set.stop();
      throw error;
    }
    return set;
  }

  /** The master of the moment (changes with {@link promote} and {@link killMaster}). */
  get master(): RedisServer {
    return this.#master;
  }

  /** The replicas of the current master. */
  get replicas(): readonly RedisServer[] {
    return this.#replicas;
  }

  /**
   * A new tracked ioredis client to the current master (see {@link RedisServer.client}).
   *
   * @example
   * ```ts
   * const redis = set.client({ commandTimeout: 500 });
   * ```
   */
  client(options?: RedisOptions): Redis {
    return this.#master.client(options);
  }

  /**
   * Resolves once every replica reports `master_link_status:up` and has processed every write the master had
   * when the check began (its offset reached the master's).
   *
   * @throws Error after `timeoutMs` (default 10000), for example while a replica is paused or held back.
   * @example
   * ```ts
   * await set.client().set('k', 'v');
   * await set.synced(); // every replica has k
   * ```
   */
  async synced(timeoutMs = SYNC_TIMEOUT_MS): Promise<void> {
    const target = Number(await this.#info(this.#master, 'master_repl_offset'));
    await waitUntil(
      async () => {
        const states = await Promise.all(
          this.#replicas.map(async (replica) => {
            const info = parseInfoFields(await this.#admin(replica).info('replication'));
            return info.get('master_link_status') === 'up' && Number(info.get('slave_repl_offset')) >= target;
          }),
        );
        return states.every(Boolean);
      },
      { timeoutMs, intervalMs: 20, description: `every replica to reach offset ${target}` },
    );
  }

  /**
   * Holds back the replication stream to `replica`: it stays connected but receives nothing more (and so
   * acknowledges nothing more) until {@link resumeReplication}. A failover meanwhile loses what was held.
   *
   * @throws Error if `replica` is not a replica of this set.
   * @example
   * ```ts
   * set.holdReplication(set.replicas[0]!);
   * await redis.set('k', 'v'); // on the master only
   * ```
   */
  holdReplication(replica: RedisServer): void {
    this.#link(replica).hold();
  }

  /**
   * Passes what was held back on to `replica` and replicates normally again.
   *
   * @example
   * ```ts
   * set.resumeReplication(set.replicas[0]!);
   * await set.synced();
   * ```
   */
  resumeReplication(replica: RedisServer): void {
    this.#link(replica).flush();
  }

  /**
   * Manual failover: `REPLICAOF NO ONE` on `replica` (default: the first), then the other replicas and the old
   * master (if it still runs) replicate from it. What `replica` had not received is lost. Resolves with the new
   * master once it answers as one.
   *
   * @example
   * ```ts
   * const master = await set.promote(set.replicas[1]);
   * ```
   */
  async promote(replica: RedisServer | undefined = this.#replicas[0]): Promise<RedisServer> {
    if (replica === undefined || !this.#replicas.includes(replica))
      throw new Error('RedisReplicaSet.promote(): not a replica of this set');
    await this.#detach(replica);
    await this.#admin(replica).call('REPLICAOF', 'NO', 'ONE');
    const followers = [...this.#replicas.filter((r) => r !== replica), this.#master].filter(
      (server) => server.running,
    );
    this.#master = replica;
    this.#replicas = followers;
    for (const follower of followers) {
      await this.#detach(follower);
      await this.#attach(follower, replica);
    }
    return replica;
  }

  /**
   * The master crashes: SIGKILL, then {@link promote} of `replica` (default: the first). Resolves with the new
   * master. The old master stays down (restart it and make it a replica yourself if the test needs it).
   *
   * @example
   * ```ts
   * const master = await set.killMaster();
   * ```
   */
  async killMaster(replica?: RedisServer): Promise<RedisServer> {
    await this.#master.kill();
    return this.promote(replica);
  }

  /**
   * Closes the replication links and stops every server; idempotent.
   *
   * @example
   * ```ts
   * await set.stop();
   * ```
   */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      await Promise.all([...this.#links.values()].map((link) => link.close()));
      this.#links.clear();
      await stopAll(this.servers);
    })();
    return this.#stopping;
  }

  /** Same as stop(), for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #attach(replica: RedisServer, master: RedisServer): Promise<void> {
    const link = await ReplicationLink.open(master.port);
    this.#links.set(replica, link);
    await this.#admin(replica).call('REPLICAOF', master.host, link.port);
  }

  async #detach(server: RedisServer): Promise<void> {
    const link = this.#links.get(server);
    this.#links.delete(server);
    await link?.close();
  }

  #link(replica: RedisServer): ReplicationLink {
    const link = this.#links.get(replica);
    if (link === undefined || !this.#replicas.includes(replica))
      throw new Error(`RedisReplicaSet: port ${replica.port} is not a replica of this set`);
    return link;
  }

  async #info(server: RedisServer, field: string): Promise<string | undefined> {
    return parseInfoFields(await this.#admin(server).info('replication')).get(field);
  }

  #admin(server: RedisServer): Redis {
    let admin = this.#admins.get(server);
    if (admin === undefined) {
      admin = server.client({ commandTimeout: 5000 });
      this.#admins.set(server, admin);
    }
    return admin;
  }
}
