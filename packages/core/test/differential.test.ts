import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import { SingleNodeBackend } from '../src/backend/SingleNodeBackend.js';
import type { LockBackend } from '../src/backend/LockBackend.js';
import { lockTarget } from '../src/keys/target.js';

/** One step of the script traffic core sends, and a readable form of its answer. */
type Step = (backend: LockBackend) => Promise<unknown>;

const a = lockTarget('d', ['a']);
const ab = lockTarget('d', ['a', 'b']);
const b = lockTarget('d', ['b']);

/** Every script core sends, in the situations that matter: free, busy, queued, fair/unfair, owner/non-owner. */
const steps: [string, Step][] = [
  ['acquire a free key', (x) => x.attempt({ target: a, token: 't1', ttl: 5000, fair: true, wait: false })],
  [
    'acquire it again (same token)',
    (x) => x.attempt({ target: a, token: 't1', ttl: 5000, fair: true, wait: false }),
  ],
  [
    'acquire busy, no queue',
    (x) => x.attempt({ target: a, token: 't2', ttl: 5000, fair: true, wait: false }),
  ],
  ['acquire busy, queue t2', (x) => x.attempt({ target: a, token: 't2', ttl: 5000, fair: true, wait: true })],
  ['acquire busy, queue t3', (x) => x.attempt({ target: a, token: 't3', ttl: 5000, fair: true, wait: true })],
  ['multi-key busy on a', (x) => x.attempt({ target: ab, token: 't4', ttl: 5000, fair: true, wait: false })],
  ['extend by the owner', (x) => x.extend(a, 't1', 8000)],
  ['extend by another', (x) => x.extend(a, 't2', 8000)],
  ['release by another', (x) => x.release(a, 't9')],
  ['release by the owner', (x) => x.release(a, 't1')],
  ['fair: t3 is not first', (x) => x.attempt({ target: a, token: 't3', ttl: 5000, fair: true, wait: true })],
  [
    'unfair: t5 jumps the queue',
    (x) => x.attempt({ target: a, token: 't5', ttl: 5000, fair: false, wait: false }),
  ],
  ['release t5', (x) => x.release(a, 't5')],
  ['fair: t2 is first', (x) => x.attempt({ target: a, token: 't2', ttl: 5000, fair: true, wait: true })],
  ['t3 gives up', (x) => x.release(a, 't3')],
  ['release t2', (x) => x.release(a, 't2')],
  ['multi-key free', (x) => x.attempt({ target: ab, token: 't6', ttl: 5000, fair: true, wait: false })],
  ['single key b busy', (x) => x.attempt({ target: b, token: 't7', ttl: 5000, fair: true, wait: false })],
  ['extend multi-key', (x) => x.extend(ab, 't6', 5000)],
  ['release multi-key', (x) => x.release(ab, 't6')],
  ['release again', (x) => x.release(ab, 't6')],
];

/** The answer with its volatile parts (fence values, remaining ms) reduced to what both must agree on. */
function normalise(answer: unknown): unknown {
  if (typeof answer !== 'object' || answer === null) return answer;
  const result = { ...(answer as Record<string, unknown>) };
  if (typeof result['fence'] === 'number') {
    // Every counter here is new or follows one that is: its fences sit at the server's TIME in µs (both backends
    // run on this machine's clock), so the exact value may differ but a small one (say 1) fails on either side.
    expect(result['fence'], 'a fence near the server time in µs').to.be.closeTo(Date.now() * 1_000, 600e6);
    result['fence'] = 'server-µs';
  }
  if (typeof result['holderTtl'] === 'number')
    result['holderTtl'] = result['holderTtl'] > 0 ? 'positive' : result['holderTtl'];
  return result;
}

/** The keys left after a step, with whether each has a TTL (every one must). */
async function keyState(redis: Redis): Promise<string[]> {
  const keys = (await redis.keys('d:*')).sort();
  return Promise.all(keys.map(async (key) => `${key} ${(await redis.pttl(key)) > 0 ? 'ttl' : 'NO TTL'}`));
}

describe('differential: real Redis and ioredis-mock answer every core script alike', function () {
  const redis = useRedisServer();

  it('gives the same answers and leaves the same keys, step by step', async function () {
    const real = redis.server.client();
    const mock = new RedisMock({ host: 'differential', port: 1 });
    const backends = [real, mock].map((client) => new SingleNodeBackend(client, 2_000));
    for (const [name, step] of steps) {
      const [onReal, onMock] = await Promise.all(backends.map((backend) => step(backend).then(normalise)));
      expect(onMock, `answer to "${name}"`).to.deep.equal(onReal);
      expect(await keyState(mock), `keys after "${name}"`).to.deep.equal(await keyState(real));
    }
    mock.disconnect();
  });
});
