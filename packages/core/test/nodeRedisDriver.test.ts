import { createHash } from 'node:crypto';
import { RedisServer } from '@deadbolt/testing';
import { createClient } from 'redis';
import { detectDriver } from '../src/index.js';
import { expect } from './quorumHelpers.js';

/** Returns its first key and its arguments, so a reply shows the words Redis received. */
const ECHO = 'return {KEYS[1], ARGV[1], ARGV[2]}';

describe('node-redis driver: how scripts reach Redis (real Redis)', function () {
  this.timeout(30_000);
  let server: RedisServer;
  const clients: { destroy(): void }[] = [];

  /** A connected node-redis 6 client whose `sendCommand` records the words of every call. */
  async function connect(options: { keyPrefix?: string } = {}) {
    const client = createClient({ ...options, socket: { host: '127.0.0.1', port: server.port } });
    clients.push(client);
    client.on('error', () => {});
    await client.connect();
    const sent: unknown[][] = [];
    const original = client.sendCommand.bind(client) as (...args: unknown[]) => Promise<unknown>;
    client.sendCommand = ((words: unknown[], ...rest: unknown[]) => {
      sent.push(words);
      return original(words, ...rest);
    }) as typeof client.sendCommand;
    return { client, sent };
  }

  beforeEach(async function () {
    server = await RedisServer.start();
  });
  afterEach(async function () {
    for (const client of clients.splice(0)) client.destroy();
    await server.stop();
  });

  it('a single client gets EVAL and EVALSHA as their words by sendCommand, numbers as strings', async function () {
    const { client, sent } = await connect();
    const { scripts } = detectDriver(client);
    expect(await scripts.eval(ECHO, 1, 'k', 'token', 5)).to.deep.equal(['k', 'token', '5']);
    const sha = createHash('sha1').update(ECHO).digest('hex'); // loaded by the EVAL
    expect(await scripts.evalsha(sha, 1, 'k', 'token', 5)).to.deep.equal(['k', 'token', '5']);
    expect(sent).to.deep.equal([
      ['EVAL', ECHO, '1', 'k', 'token', '5'],
      ['EVALSHA', sha, '1', 'k', 'token', '5'],
    ]);
  });

  it('an unknown script rejects with the NOSCRIPT error that makes deadbolt load it again', async function () {
    const { client } = await connect();
    await expect(detectDriver(client).scripts.evalsha('0'.repeat(40), 1, 'k')).to.be.rejectedWith(
      /^NOSCRIPT/,
    );
  });

  it('a client with a keyPrefix prefixes the keys, not the arguments', async function () {
    const { client } = await connect({ keyPrefix: 'app:' });
    expect(await detectDriver(client).scripts.eval(ECHO, 1, 'k', 'k', 7)).to.deep.equal(['app:k', 'k', '7']);
  });
});
