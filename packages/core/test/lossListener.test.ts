import { isCollected as collected } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, type Lock, type Locker, type LockLostError } from '@deadbolt/core';
import { eachBackend } from './support/backends.js';

// A lock's loss listener (`onLoss`, how `@deadbolt/http` hears of a lost lock) is usually a closure over a whole
// request. A lock stays reachable a while after its release (from the request object, a promise reaction, or an
// old object that the next minor GC takes as live), and while it kept its listener, every request's objects were
// promoted with it: ~10 µs of GC per request in the middleware benchmark, and twice the p99 latency. A released
// or lost lock must let go of its listener. Checked with a real GC: what the listener holds is collected while
// the test still holds the lock.

/** Registers a listener on `lock` that holds a fresh object; returns a weak reference to that object. */
function listenWithPayload(lock: Lock, calls: LockLostError[]): WeakRef<object> {
  const payload = { request: new Array<number>(1_000).fill(1) };
  lock.onLoss((error) => {
    calls.push(error);
    void payload;
  });
  return new WeakRef(payload);
}

describe('a lock lets go of its loss listener', function () {
  eachBackend((backend) => {
    let locker: Locker;
    beforeEach(function () {
      locker = createLocker(backend().client(), { prefix: backend().prefix(), ttl: 2_000 });
    });
    afterEach(async function () {
      await locker.close();
    });

    it('when released: the listener is never called and what it holds is collected', async function () {
      const lock = await locker.acquire('order:1');
      const calls: LockLostError[] = [];
      const payload = listenWithPayload(lock, calls);
      expect(await collected(payload)).to.equal(false); // held: the listener is kept
      await lock.release();
      expect(await collected(payload)).to.equal(true);
      await lock.lose('expired'); // a released lock is never lost
      expect(calls).to.deep.equal([]);
    });

    it('when lost: the listener is called once, then what it holds is collected', async function () {
      const lock = await locker.acquire('order:2');
      const calls: LockLostError[] = [];
      const payload = listenWithPayload(lock, calls);
      await lock.lose('expired');
      await lock.lose('expired');
      expect(calls.map((error) => error.reason)).to.deep.equal(['expired']);
      expect(await collected(payload)).to.equal(true);
      await lock.release();
    });

    it('registered after the release: never called, not kept', async function () {
      const lock = await locker.acquire('order:3');
      await lock.release();
      const calls: LockLostError[] = [];
      const payload = listenWithPayload(lock, calls);
      expect(await collected(payload)).to.equal(true);
      expect(calls).to.deep.equal([]);
    });

    it('registered after the loss: called at once with the loss, not kept', async function () {
      const lock = await locker.acquire('order:4');
      await lock.lose('expired');
      const calls: LockLostError[] = [];
      const payload = listenWithPayload(lock, calls);
      expect(calls.map((error) => error.reason)).to.deep.equal(['expired']);
      expect(await collected(payload)).to.equal(true);
    });
  });
});
