import { RedisServer, testClientOptions, waitUntil } from '@deadbolt/testing';
import { Redis, type RedisOptions } from 'ioredis';
import { Valkey } from 'iovalkey';
import { createClient, type RedisClientOptions } from 'redis';
import { createLocker, LockRedisError, type RedisClientLike } from '../src/index.js';
import { expect } from './quorumHelpers.js';

/** A client configured as users run it, and how the test closes it. */
interface Configured {
  readonly client: RedisClientLike;
  /** The prefix its `keyPrefix` puts before every key the scripts receive ('' without one). */
  readonly keyPrefix: string;
  /** Whether the connection is up: a client without an offline queue refuses commands until it is. */
  ready(): boolean;
  close(): void;
}

interface OptionCase {
  readonly name: string;
  connect(port: number): Configured;
  /** The offline queue is off: the app connects before it locks (until then, commands fail at once). */
  readonly connectFirst?: boolean;
}

const ignore = (): void => {};

function ioredis(options: RedisOptions, keyPrefix = ''): (port: number) => Configured {
  return (port) => {
    const client = new Redis(testClientOptions('127.0.0.1', port, options));
    client.on('error', ignore);
    return { client, keyPrefix, ready: () => client.status === 'ready', close: () => client.disconnect() };
  };
}

function nodeRedis(options: RedisClientOptions, keyPrefix = ''): (port: number) => Configured {
  return (port) => {
    const client = createClient({
      ...options,
      socket: {
        host: '127.0.0.1',
        port,
        reconnectStrategy: (n) => Math.min((n + 1) * 50, 500),
        ...options.socket,
      },
    });
    client.on('error', ignore);
    client.connect().catch(ignore);
    return { client, keyPrefix, ready: () => client.isReady, close: () => client.isOpen && client.destroy() };
  };
}

/** The client options users run with (issue 22): none of them may break the lock. */
const CASES: readonly OptionCase[] = [
  { name: 'ioredis, keyPrefix', connect: ioredis({ keyPrefix: 'app:' }, 'app:') },
  { name: 'ioredis, enableAutoPipelining', connect: ioredis({ enableAutoPipelining: true }) },
  { name: 'ioredis, maxRetriesPerRequest: null', connect: ioredis({ maxRetriesPerRequest: null }) },
  {
    name: 'ioredis, enableOfflineQueue: false',
    connect: ioredis({ enableOfflineQueue: false }),
    connectFirst: true,
  },
  { name: 'ioredis, lazyConnect', connect: ioredis({ lazyConnect: true }) },
  {
    name: 'iovalkey, keyPrefix and auto-pipelining',
    connect: (port) => {
      const options = testClientOptions('127.0.0.1', port, { keyPrefix: 'vk:', enableAutoPipelining: true });
      const client = new Valkey(options as object);
      client.on('error', ignore);
      return {
        client,
        keyPrefix: 'vk:',
        ready: () => client.status === 'ready',
        close: () => client.disconnect(),
      };
    },
  },
  {
    name: 'node-redis, disableOfflineQueue',
    connect: nodeRedis({ disableOfflineQueue: true }),
    connectFirst: true,
  },
  { name: 'node-redis, no reconnection', connect: nodeRedis({ socket: { reconnectStrategy: false } }) },
  { name: 'node-redis 6, keyPrefix', connect: nodeRedis({ keyPrefix: 'nr:' }, 'nr:') },
];

describe('client options users run with never break the lock', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let admin: Redis;
  const opened: Configured[] = [];
  const open = async (option: OptionCase): Promise<Configured> => {
    const configured = option.connect(server.port);
    opened.push(configured);
    if (option.connectFirst) await waitUntil(() => configured.ready(), { description: 'the connection' });
    return configured;
  };

  beforeEach(async function () {
    server = await RedisServer.start();
    admin = server.client();
  });
  afterEach(async function () {
    for (const configured of opened.splice(0)) configured.close();
    await server.stop();
  });

  for (const option of CASES) {
    describe(option.name, function () {
      it('locks, hands over through pub/sub on the channels the scripts publish on, and keys agree', async function () {
        const first = await open(option);
        const second = await open(option);
        const holder = createLocker(first.client, { ttl: 5_000 });
        const waiter = createLocker(second.client, { ttl: 5_000 });
        const lock = await holder.acquire('order:1');
        const waiting = waiter.acquire('order:1', { wait: 10_000 });
        // The waiter's locker subscribed to its wake-up channel, with the prefix the scripts' channels carry.
        const wakeChannels = async (): Promise<string[]> =>
          (await admin.call('PUBSUB', 'CHANNELS', '*order%3A1*')) as string[];
        await waitUntil(async () => (await wakeChannels()).length > 0, { description: 'the subscription' });
        for (const channel of await wakeChannels())
          expect(channel.startsWith(`${first.keyPrefix}deadbolt:{order%3A1}:wake`), channel).to.equal(true);
        expect(await lock.release()).to.equal(true);
        const next = await waiting;
        expect(next.fence).to.be.greaterThan(lock.fence);
        const keys = await admin.keys('*order%3A1*');
        expect(keys.length).to.be.greaterThan(0);
        for (const key of keys) expect(key.startsWith(`${first.keyPrefix}deadbolt:`), key).to.equal(true);
        expect(await admin.get(`${first.keyPrefix}deadbolt:{order%3A1}`)).to.equal(next.token);
        expect(await next.release()).to.equal(true);
        await Promise.all([holder.close(), waiter.close()]);
      });

      it('fails fast with LockRedisError while Redis is dead, and locks again once it is back', async function () {
        const configured = await open(option);
        const locker = createLocker(configured.client, { commandTimeout: 500 });
        await (await locker.acquire('warm-up')).release();
        await server.kill();
        // Never a hang: every call is refused or times out within commandTimeout (mocha's timeout would catch it).
        await expect(locker.acquire('dead', { wait: 0 })).to.be.rejectedWith(LockRedisError);
        await expect(locker.acquire('dead', { wait: 300 })).to.be.rejectedWith(LockRedisError);
        await server.restart();
        if (option.name !== 'node-redis, no reconnection') {
          await waitUntil(
            async () =>
              locker.acquire('back', { wait: 0 }).then(
                async (lock) => (await lock.release()) || true,
                () => false,
              ),
            { timeoutMs: 10_000, description: 'a grant once Redis is back' },
          );
        }
        await locker.close();
      });
    });
  }
});
