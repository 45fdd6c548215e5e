import { expect } from 'chai';
import { ScriptRunner, defineScript } from '../src/redis/ScriptRunner.js';
import type { ScriptClient } from '../src/redis/RedisClient.js';

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
