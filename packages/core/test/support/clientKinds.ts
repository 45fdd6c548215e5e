import {
  addRedisServerHooks,
  testClientOptions,
  testClusterOptions,
  waitUntil,
  type RedisServer,
} from '@deadbolt/testing';
import { GlideClient, GlideClusterClient, Logger } from '@valkey/valkey-glide';
import { Cluster, Redis } from 'ioredis';
import { Cluster as ValkeyCluster, Valkey } from 'iovalkey';
import { createClient, createCluster } from 'redis';
import { createClient as createClient5, createCluster as createCluster5 } from 'redis5';
import type { NodeRedisClient, RedisClientLike } from '@deadbolt/core';

/** A client library (and mode) the lock is tested on. */
export interface ClientKind {
  /** How the suites name it: `ioredis`, `iovalkey`, `node-redis 6 (RESP3)`… */
  readonly name: string;
  /**
   * Whether a call fails at once, unsent, once Redis died: the client tells deadbolt its connection is down.
   * GLIDE tells no connection state: its calls wait for a reconnection until its `requestTimeout` or deadbolt's
   * `commandTimeout` (see test/glide.test.ts).
   */
  readonly failsFastWhenDown: boolean;
  /**
   * A client of this kind to the same server as the ioredis client `admin` (for ioredis: `admin` itself, so
   * the ioredis runs are what they were before other clients came). Made once per admin client, connecting
   * in the background; closed by {@link closeAll}.
   */
  twin(admin: Redis): RedisClientLike;
  twin(admins: readonly Redis[]): RedisClientLike[];
  /** A new client of this kind to `127.0.0.1:port`, connecting in the background; closed by {@link closeAll}. */
  connect(port: number): RedisClientLike;
  /** A connected Cluster client of this kind; closed by {@link closeAll}. */
  cluster(nodes: readonly { host: string; port: number }[]): Promise<RedisClientLike>;
  /** Drops `client`'s connection at once: its commands fail from now on. */
  drop(client: RedisClientLike): void;
  /** Whether `client` is connected and ready for commands. */
  ready(client: RedisClientLike): boolean | Promise<boolean>;
  /**
   * Registers the mocha hooks the kind needs in the suite being described (called first in its body, before
   * the suite's own hooks). Most kinds need none.
   */
  setUpSuite(): void;
  /** Closes every client this kind made. */
  closeAll(): Promise<void>;
}

/** Swallows a test client's 'error' events: a killed server must not crash the test process. */
function ignoreError(): void {}

/** How a node-redis test client reconnects: as the ioredis test clients (50 ms more per try, at most 500). */
const reconnectStrategy = (retries: number): number => Math.min((retries + 1) * 50, 500);

/** The twins made for each admin client, whatever their kind (see {@link twinsReady}). */
const twinsOf = new WeakMap<Redis, Map<ClientKind, RedisClientLike>>();

/** Waits until every twin of `admins` (of any kind) is ready again, as after a restart of their servers. */
export async function twinsReady(admins: readonly Redis[]): Promise<void> {
  const twins = admins.flatMap((admin) => [...(twinsOf.get(admin)?.entries() ?? [])]);
  const ready = async (): Promise<boolean> =>
    (await Promise.all(twins.map(async ([kind, client]) => kind.ready(client)))).every(Boolean);
  await waitUntil(ready, {
    timeoutMs: 10_000,
    description: 'every client of the lock to reconnect',
  });
}

abstract class BaseKind<Client extends RedisClientLike> implements ClientKind {
  readonly #made = new Set<Client>();
  readonly failsFastWhenDown: boolean = true;

  constructor(readonly name: string) {}

  twin(admin: Redis): RedisClientLike;
  twin(admins: readonly Redis[]): RedisClientLike[];
  twin(admin: Redis | readonly Redis[]): RedisClientLike | RedisClientLike[] {
    if (Array.isArray(admin)) return (admin as readonly Redis[]).map((one) => this.twin(one));
    const single = admin as Redis;
    let twins = twinsOf.get(single);
    if (!twins) twinsOf.set(single, (twins = new Map<ClientKind, RedisClientLike>()));
    let twin = twins.get(this);
    if (!twin) twins.set(this, (twin = this.twinOf(single)));
    return twin;
  }

  connect(port: number): Client {
    return this.made(this.open(port));
  }

  async cluster(nodes: readonly { host: string; port: number }[]): Promise<Client> {
    return this.made(await this.openCluster(nodes));
  }

  setUpSuite(): void {}

  async closeAll(): Promise<void> {
    const made = [...this.#made];
    this.#made.clear();
    await Promise.all(made.map((client) => this.close(client)));
  }

  protected twinOf(admin: Redis): RedisClientLike {
    return this.connect(admin.options.port ?? 6379);
  }

  protected made(client: Client): Client {
    this.#made.add(client);
    return client;
  }

  abstract drop(client: RedisClientLike): void;
  abstract ready(client: RedisClientLike): boolean | Promise<boolean>;
  protected abstract open(port: number): Client;
  protected abstract openCluster(nodes: readonly { host: string; port: number }[]): Promise<Client>;
  protected abstract close(client: Client): Promise<void>;
}

/** ioredis and iovalkey: the same API (iovalkey is a fork of ioredis). */
class IoredisKind extends BaseKind<Redis> {
  constructor(
    name: string,
    readonly make: (port: number) => Redis,
    readonly makeCluster: (nodes: readonly { host: string; port: number }[]) => Redis,
    readonly isTheAdmin = false,
  ) {
    super(name);
  }

  protected override twinOf(admin: Redis): RedisClientLike {
    return this.isTheAdmin ? admin : super.twinOf(admin);
  }

  drop(client: RedisClientLike): void {
    (client as Redis).disconnect();
  }

  ready(client: RedisClientLike): boolean {
    return (client as Redis).status === 'ready';
  }

  protected open(port: number): Redis {
    const client = this.make(port);
    client.on('error', ignoreError);
    return client;
  }

  protected async openCluster(nodes: readonly { host: string; port: number }[]): Promise<Redis> {
    const cluster = this.makeCluster(nodes);
    cluster.on('error', ignoreError);
    await waitUntil(() => cluster.status === 'ready', { description: 'the Cluster client to connect' });
    return cluster;
  }

  protected async close(client: Redis): Promise<void> {
    client.disconnect();
    await Promise.resolve();
  }
}

/** What the node-redis kinds use of a node-redis client or Cluster. */
interface NodeRedisTestClient extends NodeRedisClient {
  on(event: 'error', listener: (error: Error) => void): unknown;
  connect(): Promise<unknown>;
  destroy(): void;
}

/** node-redis (`redis` 6 and 5), in RESP2 or RESP3. */
class NodeRedisKind extends BaseKind<NodeRedisTestClient> {
  constructor(
    name: string,
    readonly make: (port: number) => NodeRedisTestClient,
    readonly makeCluster: (nodes: readonly { host: string; port: number }[]) => NodeRedisTestClient,
  ) {
    super(name);
  }

  drop(client: RedisClientLike): void {
    (client as NodeRedisTestClient).destroy();
  }

  ready(client: RedisClientLike): boolean {
    const { isReady, isOpen } = client as NodeRedisTestClient;
    return isReady ?? isOpen;
  }

  protected open(port: number): NodeRedisTestClient {
    const client = this.make(port);
    client.on('error', ignoreError);
    client.connect().catch(ignoreError); // commands sent meanwhile wait for the first connection
    return client;
  }

  protected async openCluster(
    nodes: readonly { host: string; port: number }[],
  ): Promise<NodeRedisTestClient> {
    const cluster = this.makeCluster(nodes);
    cluster.on('error', ignoreError);
    await cluster.connect();
    return cluster;
  }

  protected async close(client: NodeRedisTestClient): Promise<void> {
    if (client.isOpen) client.destroy();
    await Promise.resolve();
  }
}

/** A GLIDE client or Cluster client. */
type Glide = GlideClient | GlideClusterClient;

/** GLIDE clients made ready ahead for each server, per port: enough for the lock clients of one test. */
const GLIDE_CLIENTS_AHEAD = 3;

/**
 * How GLIDE test clients connect: with a reconnection backoff as short as the other test clients' (50 ms
 * doubling, at most 800 ms), and a request timeout above every test's `commandTimeout`, so that deadbolt's
 * bound is the one the suites see.
 */
const glideOptions = (addresses: readonly { host: string; port: number }[]) => ({
  addresses: [...addresses],
  requestTimeout: 10_000,
  connectionBackoff: { numberOfRetries: 4, factor: 50, exponentBase: 2 },
});

/**
 * Valkey GLIDE (`GlideClient`, `GlideClusterClient`). A GLIDE client connects in `await createClient(…)`,
 * while the suites ask for a client synchronously: this kind makes clients ready ahead for every (non-Cluster)
 * server started while one of its suites runs (see `addRedisServerHooks`), and again before each test, and
 * hands those out: the lock always gets a real, connected GLIDE client.
 */
class GlideKind extends BaseKind<Glide> {
  override readonly failsFastWhenDown = false;
  readonly #ahead = new Map<number, { server: RedisServer; clients: Glide[] }>();
  readonly #portOf = new Map<Glide, number>();
  #removeHooks: (() => void) | undefined;

  override setUpSuite(): void {
    before(() => {
      this.#removeHooks = addRedisServerHooks({
        started: (server, cluster) => (cluster ? undefined : this.#makeAhead(server)),
        stopping: (server) => this.#closePort(server.port),
      });
    });
    beforeEach(() => Promise.all([...this.#ahead.values()].map(({ server }) => this.#makeAhead(server))));
    after(() => this.#removeHooks?.());
  }

  drop(client: RedisClientLike): void {
    (client as Glide).close();
  }

  async ready(client: RedisClientLike): Promise<boolean> {
    // GLIDE tells no connection state: a PING answered is the honest sign.
    return (client as GlideClient).ping().then(
      () => true,
      () => false,
    );
  }

  override async closeAll(): Promise<void> {
    for (const port of [...this.#ahead.keys()]) this.#closePort(port);
    await super.closeAll();
  }

  protected open(port: number): Glide {
    const client = this.#ahead.get(port)?.clients.shift();
    if (!client)
      throw new Error(
        `No GLIDE client ready ahead for port ${port} (at most ${GLIDE_CLIENTS_AHEAD} per test)`,
      );
    this.#portOf.set(client, port);
    return client;
  }

  protected openCluster(nodes: readonly { host: string; port: number }[]): Promise<Glide> {
    return GlideClusterClient.createClient(glideOptions(nodes));
  }

  protected async close(client: Glide): Promise<void> {
    this.#portOf.delete(client);
    client.close();
    await Promise.resolve();
  }

  /** Tops up the clients ready ahead for `server`, while it runs. */
  async #makeAhead(server: RedisServer): Promise<void> {
    let ahead = this.#ahead.get(server.port);
    if (!ahead) this.#ahead.set(server.port, (ahead = { server, clients: [] }));
    if (!server.running) return;
    const missing = GLIDE_CLIENTS_AHEAD - ahead.clients.length;
    const options = glideOptions([{ host: server.host, port: server.port }]);
    const made = await Promise.all(Array.from({ length: missing }, () => GlideClient.createClient(options)));
    ahead.clients.push(...made);
  }

  /** Closes every client of a server that stops: those ready ahead and those handed out. */
  #closePort(port: number): void {
    for (const client of this.#ahead.get(port)?.clients ?? []) client.close();
    this.#ahead.delete(port);
    for (const [client, of] of this.#portOf) if (of === port) void this.close(client);
  }
}

// GLIDE's core logs every error reply (NOSCRIPT included) and every reconnection attempt at WARN.
Logger.setLoggerConfig('off');

const HOST = '127.0.0.1';
const socket = (port: number) => ({ host: HOST, port, reconnectStrategy });
const rootNodes = (nodes: readonly { host: string; port: number }[]) =>
  nodes.map((node) => ({ socket: { host: node.host, port: node.port } }));

/** ioredis, the client every other suite uses: its twin of an admin client is that client. */
export const IOREDIS: ClientKind = new IoredisKind(
  'ioredis',
  (port) => new Redis(testClientOptions(HOST, port)),
  (nodes) => new Cluster([...nodes], testClusterOptions()) as unknown as Redis,
  true,
);

/** Every client library (and RESP mode) the lock is tested on, ioredis first. */
export const CLIENT_KINDS: readonly ClientKind[] = [
  IOREDIS,
  new IoredisKind(
    'iovalkey',
    (port) => new Valkey(testClientOptions(HOST, port) as object) as unknown as Redis,
    (nodes) => new ValkeyCluster([...nodes]) as unknown as Redis,
  ),
  ...([2, 3] as const).map(
    (RESP) =>
      new NodeRedisKind(
        `node-redis 6 (RESP${RESP})`,
        (port) => createClient({ socket: socket(port), RESP }),
        (nodes) =>
          createCluster({
            rootNodes: rootNodes(nodes),
            defaults: { socket: { reconnectStrategy } },
            RESP,
          }),
      ),
  ),
  new NodeRedisKind(
    'node-redis 5 (RESP2)',
    (port) => createClient5({ socket: socket(port) }),
    (nodes) =>
      createCluster5({
        rootNodes: rootNodes(nodes),
        defaults: { socket: { reconnectStrategy } },
      }),
  ),
  new GlideKind('Valkey GLIDE'),
];

/**
 * `describe(title, body)` once per client kind (`title [kind]`), closing the kind's clients after the suite.
 * The body keeps the shape of a `describe` body (`this` is the suite), with the kind as its argument.
 *
 * @example
 * ```ts
 * describeEachClient('quorum', function (kind) {
 *   it('locks', async () => { await createLocker(kind.twin(clients)).acquire('k') })
 * })
 * ```
 */
export function describeEachClient(title: string, body: (this: Mocha.Suite, kind: ClientKind) => void): void {
  for (const kind of CLIENT_KINDS) {
    describe(`${title} [${kind.name}]`, function () {
      kind.setUpSuite();
      body.call(this, kind);
      after(() => kind.closeAll());
    });
  }
}
