// Issue 17, defect 4: an acquire is in flight when the connection drops; deadbolt times it out, its clean-up
// is refused while ioredis reconnects, and ioredis then re-sends the unanswered acquire script
// (autoResendUnfulfilledCommands, on by default): the lease of the dead acquire sat there for its full ttl.
// "An aborted or timed-out acquire leaves nothing in Redis" must hold across reconnects.
import { once } from 'node:events';
import { Redis } from 'ioredis';
import { testClientOptions, useRedisServer } from '@deadbolt/testing';
import { lockKeys, LockRedisError, type Locker } from '../../src/index.js';
import { SingleNodeBackend } from '../../src/backend/SingleNodeBackend.js';
import { resolveLockerConfig } from '../../src/config/config.js';
import { Locker as LockerClass } from '../../src/Locker.js';
import { newLockerTag } from '../../src/keys/token.js';
import { BackoffWait } from '../../src/wait/BackoffWait.js';
import { expect } from '../quorumHelpers.js';
import { CuttableProxy } from './support/CuttableProxy.js';

/** Long enough that an orphaned lease is still there when the test looks. */
const TTL = 60_000;
const COMMAND_TIMEOUT = 300;

describe('safety: a timed-out acquire leaves nothing after a reconnect (issue 17, defect 4)', function () {
  this.timeout(30_000);
  const redis = useRedisServer();
  let proxy: CuttableProxy;
  let client: Redis;
  let admin: Redis;
  let backend: SingleNodeBackend;
  let locker: Locker;

  beforeEach(async () => {
    proxy = await CuttableProxy.start(redis.server.port);
    // ioredis' defaults for resending, as an application has them (the test clients' maxRetriesPerRequest of 1
    // would flush the unanswered command on the second failed reconnect); reconnects every 50–500 ms.
    client = new Redis(testClientOptions('127.0.0.1', proxy.port, { maxRetriesPerRequest: 20 }));
    client.on('error', () => {});
    admin = redis.server.client();
    await client.ping();
    const config = resolveLockerConfig({ ttl: TTL, commandTimeout: COMMAND_TIMEOUT });
    backend = new SingleNodeBackend(client, config.commandTimeout);
    locker = new LockerClass(config, backend, new BackoffWait(), newLockerTag());
  });
  afterEach(async () => {
    await locker.close();
    client.disconnect();
    admin.disconnect();
    await proxy.close();
  });

  /**
   * The acquire script is written to the socket and swallowed (in flight, unanswered); the connection is cut;
   * the acquire times out and its clean-up is refused while the client reconnects; then the proxy lets the
   * client back in, and ioredis re-sends the acquire.
   */
  async function timeOutAcrossReconnect(key: string, wait: number): Promise<void> {
    proxy.setMode('swallow');
    const swallowed = once(proxy, 'swallowed');
    const refused = once(locker, 'redisError');
    const acquiring = locker.acquire(key, { wait });
    await swallowed;
    proxy.setMode('down');
    await expect(acquiring).to.be.rejectedWith(LockRedisError);
    await refused; // the clean-up found the connection down
    const ready = once(client, 'ready');
    proxy.setMode('forward');
    await ready;
    await backend.cleanupsResent();
    await client.ping(); // answered after everything the client sent before it
  }

  it('a free key: no lease of the dead acquire remains', async () => {
    const key = 'orphan:free';
    await timeOutAcrossReconnect(key, 0);
    const { lease, queue } = lockKeys('deadbolt', key);
    expect(await admin.get(lease), 'lease after the reconnect').to.equal(null);
    expect(await admin.exists(queue)).to.equal(0);
  });

  it('a held key, an acquire that may wait: no queue entry of the dead acquire remains', async () => {
    const key = 'orphan:held';
    const holder = await locker.acquire(key, { renew: false });
    await timeOutAcrossReconnect(key, 5_000);
    const { lease, queue } = lockKeys('deadbolt', key);
    expect(await admin.get(lease), 'the holder keeps its lease').to.equal(holder.token);
    expect(await admin.zrange(queue, 0, -1), 'queue after the reconnect').to.deep.equal([]);
    await holder.release();
  });
});
