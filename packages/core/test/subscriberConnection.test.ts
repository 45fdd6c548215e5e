import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLocker, lockKeys } from '@deadbolt/core';
import { describeEachClient } from './support/clientKinds.js';

/** The connections Redis reports with a subscription (`CLIENT LIST`), as `{ sub, psub }` counts. */
async function subscribedConnections(admin: Redis): Promise<{ sub: number; psub: number }[]> {
  const list = String(await admin.client('LIST'));
  return list
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({
      sub: Number(/\bsub=(\d+)/.exec(line)?.[1] ?? Number.NaN),
      psub: Number(/\bpsub=(\d+)/.exec(line)?.[1] ?? Number.NaN),
    }))
    .filter(({ sub, psub }) => sub + psub > 0);
}

describeEachClient('wake-ups of one locker', function (kind) {
  const redis = useRedisServer();

  it('share one subscriber connection, whatever the number of keys and fair or not (CLIENT LIST)', async function () {
    const { server } = redis;
    const holderLocker = createLocker(server.client(), { prefix: 's' });
    const waiterLocker = createLocker(kind.connect(server.port), { prefix: 's' });
    const keys = ['a', 'b', 'c', 'unfair'];
    try {
      const holders = await Promise.all(keys.map((key) => holderLocker.acquire(key)));
      const waiting = Promise.all(keys.map((key) => waiterLocker.acquire(key, { fair: key !== 'unfair' })));
      waiting.catch(() => {}); // awaited below; should the test fail first, closing the lockers ends them
      const admin = server.client();
      await waitUntil(
        async () =>
          (await Promise.all(keys.map((key) => admin.zcard(lockKeys('s', key).queue)))).every(Boolean),
        { description: 'every waiter queued' },
      );
      // Each waiter listens on one channel: its locker's channel of a key when fair, the key's shared one if not.
      const channels = async (): Promise<number> =>
        (await subscribedConnections(admin)).reduce((sum, { sub, psub }) => sum + sub + psub, 0);
      // Several keys' channels on one connection is the claim; the exact count at one moment is not (a pause that
      // ends re-subscribes its channel; once, in a full run, the count did not reach all four within 15 s).
      let last: { sub: number; psub: number }[] = [];
      await waitUntil(
        async () => {
          last = await subscribedConnections(admin);
          return (await channels()) >= 2;
        },
        { timeoutMs: 15_000, description: 'the waiters of several keys subscribed' },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; connections with a subscription: ${JSON.stringify(last)}`);
      });
      const connections = await subscribedConnections(admin);
      expect(connections, 'connections with a subscription').to.have.length(1);
      expect(connections[0]?.psub, 'pattern subscriptions').to.equal(0);
      expect(connections[0]?.sub, 'channels on the one connection').to.be.within(2, keys.length);
      await Promise.all(holders.map((lock) => lock.release()));
      await Promise.all((await waiting).map((lock) => lock.release()));
    } finally {
      await Promise.all([holderLocker.close(), waiterLocker.close()]);
    }
  });
});
