import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { createLocker } from '@deadbolt/core';
import { assertHandOffsByMessage } from '../support/handOffs.js';

// Issue 17: with an ioredis `keyPrefix` the scripts publish on prefixed channels (they derive them from the keys
// they receive), and waiters used to subscribe to unprefixed ones, so every hand-off waited for a poll.
const KEY_PREFIX = 'app:';
const HAND_OFFS = 5;

describe('wake-ups with an ioredis keyPrefix (real Redis, issue 17)', function () {
  const redis = useRedisServer();

  it(`hands the lock over by the wake-up message, not by a poll (${HAND_OFFS} hand-offs)`, async function () {
    const { port } = redis.server;
    const admin = redis.server.client();
    // The lockers' own clients (a locker never closes the client it was given): disconnected below, or they
    // would reconnect to the stopped server for the rest of the run, their timers landing in later tests.
    const prefixed = [0, 1].map(() => new Redis({ port, host: '127.0.0.1', keyPrefix: KEY_PREFIX }));
    const holders = createLocker(prefixed[0]!, { ttl: 5_000 });
    const waiters = createLocker(prefixed[1]!, { ttl: 5_000 });
    const messages: string[] = [];
    const listener = redis.server.client();
    await listener.psubscribe(`${KEY_PREFIX}deadbolt:*:wake*`);
    listener.on('pmessage', (_pattern, channel: string) => messages.push(channel));
    try {
      await assertHandOffsByMessage(holders, waiters, admin, HAND_OFFS);
      await waitUntil(() => messages.length >= HAND_OFFS, { description: 'the published hand-overs seen' });
      for (const channel of messages)
        expect(channel.startsWith(`${KEY_PREFIX}deadbolt:`), channel).to.equal(true);
    } finally {
      listener.disconnect();
      admin.disconnect();
      await Promise.all([holders.close(), waiters.close()]);
      for (const client of prefixed) client.disconnect();
    }
  });
});
