import { RedisServer, useRedisServer, waitUntil } from '@deadbolt/testing';
import {
  Decoder,
  GlideClient,
  Logger,
  ProtocolVersion,
  type GlideClientConfiguration,
} from '@valkey/valkey-glide';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { createLocker, detectDriver, LockLostError, LockRedisError } from '@deadbolt/core';
import { assertHandOffsByMessage } from './support/handOffs.js';

use(chaiAsPromised);

// What the Valkey GLIDE driver does that the shared suites (which run on GLIDE too: test/support/clientKinds.ts)
// do not show: its replies under every protocol and decoder, NOSCRIPT, a dead Redis, and its own subscriber.

Logger.setLoggerConfig('off'); // GLIDE's core logs every error reply and reconnection attempt at WARN

/** Every GLIDE client a test made, closed after it (a locker never closes the client it was given). */
const made: GlideClient[] = [];
async function glide(port: number, options: Partial<GlideClientConfiguration> = {}): Promise<GlideClient> {
  const client = await GlideClient.createClient({ addresses: [{ host: '127.0.0.1', port }], ...options });
  made.push(client);
  return client;
}

describe('Valkey GLIDE driver (real Redis)', function () {
  const redis = useRedisServer();
  afterEach(() => {
    for (const client of made.splice(0)) client.close();
  });

  it('is recognised by shape: a single client, with a wake-up subscriber of its own', async () => {
    const driver = detectDriver(await glide(redis.server.port));
    expect(driver.kind).to.equal('glide');
    expect(driver.isCluster).to.equal(false);
    expect(driver.subscriber).to.be.a('function');
  });

  const modes = [
    { name: 'RESP3, strings', options: {} },
    { name: 'RESP2', options: { protocol: ProtocolVersion.RESP2 } },
    { name: 'Buffers by default (defaultDecoder: Bytes)', options: { defaultDecoder: Decoder.Bytes } },
    { name: 'lazyConnect: connected by the first call', options: { lazyConnect: true } },
  ];
  for (const { name, options } of modes) {
    it(`locks, extends and releases with replies decoded as deadbolt needs them (${name})`, async () => {
      const locker = createLocker(await glide(redis.server.port, options), { prefix: 'modes', ttl: 2_000 });
      const lock = await locker.acquire(name);
      expect(lock.fence).to.be.a('number').and.greaterThan(0);
      await lock.extend();
      const next = locker.acquire(name, { wait: 5_000 });
      expect(await lock.release()).to.equal(true);
      expect((await next).fence).to.be.greaterThan(lock.fence);
      await locker.close();
    });
  }

  it('loads a script again after the server lost it (GLIDE words NOSCRIPT as NoScriptError)', async () => {
    const locker = createLocker(await glide(redis.server.port), { prefix: 'noscript' });
    await (await locker.acquire('k')).release();
    await redis.server.client().script('FLUSH');
    await redis.server.resetStats();
    const lock = await locker.acquire('k');
    expect(await lock.release()).to.equal(true);
    const stats = await redis.server.commandStats();
    expect(stats['evalsha'], 'EVALSHA refused with NOSCRIPT, then EVAL').to.be.greaterThan(0);
    expect(stats['eval'], 'the scripts loaded again').to.be.greaterThan(0);
    await locker.close();
  });

  for (const protocol of [ProtocolVersion.RESP3, ProtocolVersion.RESP2]) {
    it(`hands the lock over by the wake-up message, and closes its subscriber on locker.close() (${ProtocolVersion[protocol]}; GLIDE has pub/sub in RESP3 only: the subscriber speaks it)`, async () => {
      const holders = createLocker(await glide(redis.server.port, { protocol }), {
        prefix: 'wake',
        ttl: 5_000,
      });
      const waiters = createLocker(await glide(redis.server.port, { protocol }), {
        prefix: 'wake',
        ttl: 5_000,
      });
      // Subscribed wake-up channels of this test's keys (order:0…); they linger after their last waiter left.
      const wakeChannels = async (): Promise<string[]> =>
        (await redis.server.client().call('PUBSUB', 'CHANNELS', '*order%3A*wake*')) as string[];
      await assertHandOffsByMessage(holders, waiters, redis.server.client(), 3);
      expect(await wakeChannels(), 'the waiters’ channels, subscribed').to.have.length.greaterThan(0);
      await Promise.all([holders.close(), waiters.close()]);
      // GLIDE drops a closed client's connection about 3 s after close().
      await waitUntil(async () => (await wakeChannels()).length === 0, {
        timeoutMs: 20_000,
        description: 'the subscriber closed',
      });
    });
  }

  it('without a configuration to copy, has no subscriber: waiters poll, and contention still resolves', async () => {
    const client = await glide(redis.server.port);
    Object.defineProperty(client, 'config', { value: undefined }); // as if GLIDE kept it elsewhere
    expect(detectDriver(client).subscriber).to.equal(undefined);
    const locker = createLocker(client, { prefix: 'poll', ttl: 2_000 });
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        locker.using(
          'shared',
          async () => {
            most = Math.max(most, (inside += 1));
            await new Promise((resolve) => setTimeout(resolve, 20));
            inside -= 1;
          },
          { wait: 20_000 },
        ),
      ),
    );
    expect(most, 'one holder at a time').to.equal(1);
    await locker.close();
  });
});

describe('Valkey GLIDE driver: a dead Redis', function () {
  let server: RedisServer;
  beforeEach(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const client of made.splice(0)) client.close();
    await server.stop();
  });

  // GLIDE tells no connection state and keeps a command while its connection is down (until it reconnects
  // or its requestTimeout passes): deadbolt just sends, and the lower of the two timeouts bounds the call.
  const bounds = [
    { name: "deadbolt's commandTimeout", requestTimeout: 30_000, commandTimeout: 300 },
    {
      name: "GLIDE's requestTimeout (its default, 250 ms)",
      requestTimeout: undefined,
      commandTimeout: 30_000,
    },
  ];
  for (const { name, requestTimeout, commandTimeout } of bounds) {
    it(`fails an acquire within ${name}, never hangs`, async () => {
      const client = await glide(server.port, requestTimeout === undefined ? {} : { requestTimeout });
      const locker = createLocker(client, { prefix: 'dead', commandTimeout });
      await (await locker.acquire('k')).release();
      await server.kill();
      const began = performance.now();
      await expect(locker.acquire('k', { wait: 0 })).to.be.rejectedWith(LockRedisError);
      // Generous: the bound is 250 or 300 ms; anything near the other timeout (30 s) would be a hang.
      expect(performance.now() - began).to.be.lessThan(5_000);
      await locker.close();
    });
  }

  it('with a requestTimeout under the remaining validity, reports the failed renewal before the loss', async () => {
    // The fault suite's loss test on GLIDE with a requestTimeout above the lease sees the loss first: the renewal
    // is still kept by GLIDE when the local deadline passes (docs: packages/core/README.md, Clients).
    const client = await glide(server.port, { requestTimeout: 200 });
    const locker = createLocker(client, { prefix: 'dead', ttl: 1_000, driftFactor: 0.25 });
    const lock = await locker.acquire('held');
    const renewFailures: Error[] = [];
    locker.on('renewFailed', ({ error }) => renewFailures.push(error));
    await server.kill();
    await new Promise((resolve) => lock.signal.addEventListener('abort', resolve));
    expect(lock.signal.reason).to.be.instanceOf(LockLostError);
    expect(renewFailures.length).to.be.greaterThan(0);
    expect(renewFailures.every((error) => error instanceof LockRedisError)).to.equal(true);
    await locker.close();
  });
});
