import { randomUUID } from 'node:crypto';
import { RedisServer } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import type { RedisClientLike } from '@deadbolt/core';
import { CLIENT_KINDS, IOREDIS, type ClientKind } from './clientKinds.js';

/** One of the two backends every behavioural test runs on. */
export interface Backend {
  readonly name: 'redis' | 'mock';
  /** A new connection to the backend's (shared) data. */
  connect(): Redis;
  /**
   * A new connection for the lock, of the client library the suite runs on (on ioredis and ioredis-mock the
   * same as {@link connect}).
   */
  client(): RedisClientLike;
  /** Drops the connection of a {@link client} at once: its commands fail from now on. */
  drop(client: RedisClientLike): void;
  /** A key prefix no other test uses, so tests never see each other's keys. */
  prefix(): string;
  /** A connection of the suite's, for looking at and arranging the data (not closed by tests). */
  admin(): Redis;
  /** All keys under `prefix`, with their PTTL. */
  keys(prefix: string): Promise<{ key: string; pttl: number }[]>;
  /** The real server, on the real backend. */
  readonly server: RedisServer | undefined;
}

let mockPort = 17_000;

/** Runs `suite` once on a real redis-server and once on ioredis-mock. */
export function eachBackend(suite: (backend: () => Backend) => void): void {
  eachBackendOn([IOREDIS], suite);
}

/**
 * Runs `suite` on a real redis-server once per client library the lock supports (ioredis, iovalkey,
 * node-redis 5 and 6, RESP2 and RESP3, Valkey GLIDE: see `CLIENT_KINDS`), and once on ioredis-mock.
 */
export function eachClientBackend(suite: (backend: () => Backend) => void): void {
  eachBackendOn(CLIENT_KINDS, suite);
}

function eachBackendOn(kinds: readonly ClientKind[], suite: (backend: () => Backend) => void): void {
  for (const kind of kinds) {
    describe(kind === IOREDIS ? 'on real Redis' : `on real Redis [${kind.name}]`, function () {
      kind.setUpSuite();
      let server: RedisServer | undefined;
      let admin: Redis | undefined;
      before(async function () {
        server = await RedisServer.start();
        admin = server.client();
      });
      after(async function () {
        await kind.closeAll();
        await server?.stop();
      });
      const connect = (): Redis => (server as RedisServer).client();
      suite(() =>
        backend('redis', connect, () => admin as Redis, server, {
          client: () => (kind === IOREDIS ? connect() : kind.connect((server as RedisServer).port)),
          drop: (client) => kind.drop(client),
        }),
      );
    });
  }
  describe('on ioredis-mock', function () {
    const port = mockPort++;
    const connect = (): Redis => new RedisMock({ host: 'mock', port });
    let admin: Redis | undefined;
    before(function () {
      admin = connect();
    });
    suite(() =>
      backend('mock', connect, () => admin as Redis, undefined, {
        client: connect,
        drop: (client) => dropMockConnection(client as Redis),
      }),
    );
  });
}

/**
 * ioredis-mock answers on after `disconnect()`: its connection is made to look and act closed, as a real
 * ioredis client's after `disconnect()` (status `end`, scripts rejected).
 */
function dropMockConnection(client: Redis): void {
  client.disconnect();
  const closed = (): Promise<never> => Promise.reject(new Error('Connection is closed.'));
  Object.assign(client, { status: 'end', evalsha: closed, eval: closed });
}

function backend(
  name: Backend['name'],
  connect: () => Redis,
  admin: () => Redis,
  server: RedisServer | undefined,
  lock: Pick<Backend, 'client' | 'drop'>,
): Backend {
  return {
    name,
    connect,
    ...lock,
    server,
    admin,
    prefix: () => `t${randomUUID().slice(0, 8)}`,
    keys: async (prefix) => {
      const keys = (await admin().keys(`${prefix}:*`)).sort();
      return Promise.all(keys.map(async (key) => ({ key, pttl: await admin().pttl(key) })));
    },
  };
}
