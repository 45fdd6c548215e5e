import { expect } from 'chai';
import { detectDriver } from '@deadbolt/core';
import {
  CLIENT_LIBRARIES,
  deadboltAdapter,
  runChaos,
  type ChaosClientLibrary,
  type ChaosTopology,
  type ClientContext,
  type LockAdapter,
} from '@deadbolt/chaos';
import { parseCliArgs } from '../src/cli/parseCliArgs.js';
import { explain } from './support/explain.js';

/** deadbolt's adapter, remembering the context each client was given. */
function recording(contexts: ClientContext[]): LockAdapter {
  const adapter = deadboltAdapter();
  return { ...adapter, connect: (context) => (contexts.push(context), adapter.connect(context)) };
}

// The real backend gives the lock connections of the library asked for, through the same fault proxies; the
// long runs are `deadbolt-chaos --backend redis --client node-redis` (see docs/how-it-works.md).
describe('real backend on every client library (--client)', function () {
  this.timeout(120_000);

  // Seeds whose schedules acquire (as in real.test.ts).
  // iovalkey (an ioredis fork, faulted as ioredis is in real.test.ts) runs without faults: it shows the library's
  // connections work through the proxies and the lock is granted on them.
  const runs: [ChaosClientLibrary, ChaosTopology, 'inline' | 'child', number][] = [
    ['node-redis', 'single', 'inline', 24],
    ['node-redis', 'quorum3', 'child', 23],
    ['node-redis', 'cluster', 'inline', 23],
    ['iovalkey', 'single', 'inline', 24],
  ];
  for (const [client, topology, processes, seed] of runs) {
    it(`deadbolt on ${client} passes on ${topology} (${processes})`, async () => {
      const contexts: ClientContext[] = [];
      const lock = processes === 'inline' ? recording(contexts) : deadboltAdapter();
      const result = await runChaos({
        backend: 'redis',
        client,
        topology,
        processes,
        lock,
        ...(client === 'iovalkey' ? { faults: [] } : {}),
        runs: 2,
        clients: 3,
        operations: 25,
        ttl: 500,
        seed,
      });
      expect(result.verdict, explain(result)).to.equal('pass');
      expect(result.statistics.grants, 'the lock was granted').to.be.greaterThan(0);
      expect(result.run.client).to.equal(client);
      for (const context of contexts) {
        expect(context.client?.library).to.equal(client);
        expect(context.endpoints?.length).to.equal(topology === 'single' ? 1 : 3);
        const connection = context.client?.connection;
        const one = Array.isArray(connection) ? (connection as unknown[])[0] : connection;
        expect(detectDriver(one).kind).to.equal(client === 'node-redis' ? 'node-redis' : 'ioredis');
      }
      if (processes === 'inline') expect(contexts.length).to.be.greaterThan(0);
    });
  }

  it('refuses a client library on the mock backend or one it does not know', async () => {
    const refusal = (options: Parameters<typeof runChaos>[0]): Promise<unknown> =>
      runChaos(options).then(
        () => expect.fail('accepted'),
        (error: unknown) => error,
      );
    const onMock = await refusal({ client: 'node-redis' });
    expect(onMock)
      .to.be.instanceOf(RangeError)
      .with.property('message')
      .match(/needs backend redis/);
    const unknown = await refusal({ backend: 'redis', client: 'hiredis' as ChaosClientLibrary });
    expect(unknown)
      .to.be.instanceOf(RangeError)
      .with.property('message')
      .match(/"client" must be one of ioredis, iovalkey, node-redis/);
    expect(CLIENT_LIBRARIES).to.deep.equal(['ioredis', 'iovalkey', 'node-redis']);
  });

  it('the CLI takes --client', () => {
    const parsed = parseCliArgs(['--backend', 'redis', '--client', 'node-redis']);
    expect(parsed.runs[0]?.options.client).to.equal('node-redis');
    expect(() => parseCliArgs(['--client', 'jedis'])).to.throw(/client/);
  });
});
