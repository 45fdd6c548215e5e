import { randomUUID } from 'node:crypto';
import { RedisServer } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';

/** One of the two backends every behavioural test runs on. */
export interface Backend {
  readonly name: 'redis' | 'mock';
  /** A new connection to the backend's (shared) data. */
  connect(): Redis;
  /** A key prefix no other test uses, so tests never see each other's keys. */
  prefix(): string;
  /** All keys under `prefix`, with their PTTL. */
  keys(prefix: string): Promise<{ key: string; pttl: number }[]>;
  /** The real server, on the real backend. */
  readonly server: RedisServer | undefined;
}

let mockPort = 17_000;

/** Runs `suite` once on a real redis-server and once on ioredis-mock. */
export function eachBackend(suite: (backend: () => Backend) => void): void {
  describe('on real Redis', function () {
    let server: RedisServer | undefined;
    let admin: Redis | undefined;
    before(async function () {
      server = await RedisServer.start();
      admin = server.client();
    });
    after(async function () {
      await server?.stop();
    });
    suite(() =>
      backend(
        'redis',
        () => (server as RedisServer).client(),
        () => admin as Redis,
        server,
      ),
    );
  });
  describe('on ioredis-mock', function () {
    const port = mockPort++;
    const connect = (): Redis => new RedisMock({ host: 'mock', port });
    let admin: Redis | undefined;
    before(function () {
      admin = connect();
    });
    suite(() => backend('mock', connect, () => admin as Redis, undefined));
  });
}

function backend(
  name: Backend['name'],
  connect: () => Redis,
  admin: () => Redis,
  server: RedisServer | undefined,
): Backend {
  return {
    name,
    connect,
    server,
    prefix: () => `t${randomUUID().slice(0, 8)}`,
    keys: async (prefix) => {
      const keys = (await admin().keys(`${prefix}:*`)).sort();
      return Promise.all(keys.map(async (key) => ({ key, pttl: await admin().pttl(key) })));
    },
  };
}
