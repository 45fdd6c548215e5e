// Issue 23: `locker.close()` while the locker's wake-up connection was re-subscribing after a reconnect left an
// unhandled rejection, `Connection is closed.` ioredis re-subscribes a connection's channels itself once it is
// ready again (`autoResubscribe`) and drops the promise of that SUBSCRIBE; when the locker then disconnects the
// connection before Redis answered, ioredis rejects it, and nobody handles it: the process crashes under Node's
// default `--unhandled-rejections=throw`. Seen in test/chaos-middleware.test.ts (a reset, then a partition, then
// the run's end closes the locker and its proxy). The proxy here swallows the re-subscription, so that close
// always finds it in flight.
import { Redis } from 'ioredis';
import { testClientOptions, useRedisServer, waitUntil } from '@deadbolt/testing';
import { createLocker } from '../../src/index.js';
import { expect } from '../quorumHelpers.js';
import { tolerateUnhandledRejections } from '../../../../test/support/unhandledRejectionGuard.js';
import { CuttableProxy } from './support/CuttableProxy.js';

describe('safety: closing a locker while its wake-up connection re-subscribes (issue 23)', function () {
  this.timeout(30_000);
  const redis = useRedisServer();

  it('leaves no unhandled rejection when the re-subscription is still unanswered', async function () {
    const proxy = await CuttableProxy.start(redis.server.port);
    const client = new Redis(testClientOptions('127.0.0.1', proxy.port));
    client.on('error', () => {});
    // The wake-up connection is a duplicate of the client: keep a handle on it to watch its reconnect.
    const duplicate = client.duplicate.bind(client);
    let subscriber: Redis | undefined;
    client.duplicate = (...args: Parameters<Redis['duplicate']>) => (subscriber = duplicate(...args));
    const admin = redis.server.client();
    const holders = createLocker(admin, { prefix: 'rs' });
    const locker = createLocker(client, { prefix: 'rs' });
    const unhandled = tolerateUnhandledRejections();
    try {
      const held = await holders.acquire('k', { ttl: 30_000 });
      const waiting = locker.acquire('k', { wait: 20_000 });
      waiting.catch(() => {}); // the close below ends it
      await waitUntil(async () => String(await admin.client('LIST')).includes(' sub=1 '), {
        description: 'the wake-up connection holds a subscription',
      });
      const connection = subscriber;
      if (!connection) throw new Error('the locker made no wake-up connection');
      // (Not `events.once`, which the connection's `error` of each reset would reject.)
      // Redis drops the wake-up connection; ioredis reconnects and, in the turn it becomes ready, writes the
      // SUBSCRIBE of its channels. The proxy swallows it from then on, and the locker closes in that same turn.
      const readyAgain = new Promise((resolve) => connection.once('ready', resolve));
      await admin.client('KILL', 'TYPE', 'pubsub');
      await readyAgain;
      proxy.setMode('swallow');
      const ended = new Promise((resolve) => connection.once('end', resolve));
      await locker.close();
      await proxy.close();
      await ended;
      await new Promise((resolve) => setImmediate(resolve)); // unhandled rejections are reported by now
      expect(unhandled.reasons.map(String)).to.deep.equal([]);
      await held.release();
    } finally {
      unhandled.stop();
      await Promise.all([holders.close(), locker.close()]);
      client.disconnect();
      await proxy.close();
    }
  });
});
