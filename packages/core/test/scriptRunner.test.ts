import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import { useRedisServer } from '@deadbolt/testing';
import { LockRedisError } from '../src/errors/LockRedisError.js';
import { defineScript } from '../src/redis/Script.js';
import { ScriptRunner } from '../src/redis/ScriptRunner.js';
import type { ScriptClient } from '../src/redis/RedisClient.js';

use(chaiAsPromised);

/** A client that records what reaches its socket, and when the socket is corked. */
function recordingClient(status = 'ready', corkable = true): { client: ScriptClient; log: string[] } {
  const log: string[] = [];
  const client: ScriptClient = {
    status,
    ...(corkable && { stream: { cork: () => log.push('cork'), uncork: () => log.push('uncork') } }),
    ping: () => {
      log.push('ping');
      return Promise.reject(new Error('a PING that fails is ignored'));
    },
    evalsha: () => {
      log.push('evalsha');
      return Promise.resolve(1);
    },
    eval: () => {
      log.push('eval');
      return Promise.resolve(1);
    },
  };
  return { client, log };
}

describe('ScriptRunner.runAfterPing', function () {
  const script = defineScript('probe', 'return 1');

  it('sends a PING and the script in one corked write', async function () {
    const { client, log } = recordingClient();
    const runner = new ScriptRunner(client, 1_000);
    expect(await runner.runAfterPing(script, ['k'], [])).to.equal(1);
    expect(await runner.runAfterPing(script, ['k'], [])).to.equal(1);
    expect(log).to.deep.equal(['cork', 'ping', 'eval', 'uncork', 'cork', 'ping', 'evalsha', 'uncork']);
  });

  it('is a plain run without a socket to cork, a ping, or a ready connection', async function () {
    const { client: withoutStream, log } = recordingClient('ready', false);
    expect(await new ScriptRunner(withoutStream, 1_000).runAfterPing(script, ['k'], [])).to.equal(1);
    // Before its first ready, a connecting client's commands wait in ioredis' queue: no cork around them.
    const { client: connecting, log: connectingLog } = recordingClient('connect');
    expect(await new ScriptRunner(connecting, 1_000).runAfterPing(script, ['k'], [])).to.equal(1);
    expect(log).to.deep.equal(['eval']);
    expect(connectingLog).to.deep.equal(['eval']);
  });
});

describe('ScriptRunner deadline on a stalled event loop', function () {
  const redis = useRedisServer();
  const script = defineScript('probe', 'return 1');

  it('takes an answer that reached the socket in time, though the deadline came due while the loop was blocked', async function () {
    const client = redis.server.client();
    await client.ping(); // connected and ready before the measured call
    const runner = new ScriptRunner(client, 200);
    const answer = runner.run(script, ['k'], []);
    // Block the event loop far beyond the 200 ms bound: Redis answers into the socket meanwhile, and the deadline's
    // timer is due when the loop runs again, in the timers phase that comes before the socket is read.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      /* a synchronous stall, as a long GC or a CPU-bound handler makes */
    }
    expect(await answer).to.equal(1);
  });

  it('still times out when no answer comes', async function () {
    const client = redis.server.client();
    await client.ping();
    const runner = new ScriptRunner(client, 200);
    redis.server.pause();
    try {
      await expect(runner.run(script, ['k'], [])).to.be.rejectedWith(LockRedisError, /200 ms/);
    } finally {
      redis.server.resume();
    }
  });
});
