import { createLocker, lockKeys } from '@deadbolt/core';
import { RequestLocker, type ReleasePolicy } from '@deadbolt/http';
import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import fc from 'fast-check';
import RedisMock from 'ioredis-mock';

describe('RequestLockSession', () => {
  const redis = new RedisMock();
  const locker = createLocker(redis);
  const released = new Map<string, number>();
  locker.on('released', ({ key }) => released.set(key, (released.get(key) ?? 0) + 1));

  after(async () => {
    await locker.close();
    redis.disconnect();
  });

  it('releases exactly once whatever the order of grant, response end and handler end', async () => {
    let run = 0;
    const seen = { granted: 0, gone: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.constantFrom<ReleasePolicy>('response', 'response-and-handler'),
        async (s, policy) => {
          const key = `run:${run++}`;
          // The key is derived in a scheduled step, so the response may end before, during or after acquiring.
          const key$ = (req: { key: string }) => s.schedule(Promise.resolve(req.key), 'key derived');
          const session = new RequestLocker({ locker, key: key$ }, 'test').open(policy);
          let granted = false;
          const responding = s.schedule(Promise.resolve('response ends')).then(() => session.responseDone());
          const handling = session.acquire({ key }, { id: '1' }).then(async (outcome) => {
            if (outcome.type !== 'proceed' || outcome.lock === undefined) return;
            granted = true;
            await s.schedule(Promise.resolve('handler ends'));
            session.handlerDone();
          });
          await s.waitFor(Promise.all([responding, handling]));
          seen[granted ? 'granted' : 'gone'] += 1;
          // One phase at the end: released once after holding, or gone before ever holding.
          expect(session.phase).to.equal(granted ? 'released' : 'gone');
          if (granted) {
            await waitUntil(() => released.get(key) === 1, { description: `the release of ${key}` });
          }
          expect(released.get(key) ?? 0).to.equal(granted ? 1 : 0);
          expect(await redis.exists(lockKeys('deadbolt', key).lease)).to.equal(0);
          expect(await redis.zcard(lockKeys('deadbolt', key).queue)).to.equal(0);
        },
      ),
      { numRuns: 60 },
    );
    expect(locker.heldCount).to.equal(0);
    // Both orders happened: some requests got the lock, some ended before it was granted.
    expect(seen.granted).to.be.greaterThan(0);
    expect(seen.gone).to.be.greaterThan(0);
  });
});
