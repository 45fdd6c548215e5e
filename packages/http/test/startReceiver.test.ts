import { createLocker } from '@deadbolt/core';
import { RequestLocker, type RequestLockOutcome, type RequestLockReceiver } from '@deadbolt/http';
import { isCollected } from '@deadbolt/testing';
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';

/** What a receiver heard, in order, with the context it was given. */
interface Heard {
  readonly events: Array<{ readonly event: string; readonly context: string; readonly detail: unknown }>;
}

function recorder(): RequestLockReceiver<string> & Heard & { settled: Promise<void> } {
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  const events: Heard['events'] = [];
  return {
    events,
    settled,
    outcome(context, outcome: RequestLockOutcome) {
      events.push({ event: 'outcome', context, detail: outcome.type });
      settle();
    },
    failed(context, error) {
      events.push({ event: 'failed', context, detail: error });
      settle();
    },
    lost(context, reply) {
      events.push({ event: 'lost', context, detail: reply.status });
    },
  };
}

type Session = ReturnType<RequestLocker<{ id: string }>['open']>;

/** Starts `session` with a context of its own (made here, so no test scope keeps it); a weak reference to it. */
function startWithPayload(
  session: Session,
  id: string,
  receiver: RequestLockReceiver<object>,
): WeakRef<object> {
  const context = { request: new Array<number>(1_000).fill(1) };
  session.start({ id }, { id }, receiver, context);
  return new WeakRef(context);
}

/** Registers an `onLost` listener holding an object of its own; a weak reference to that object. */
function listenWithPayload(session: Session): WeakRef<object> {
  const ctx = { request: new Array<number>(1_000).fill(1) };
  session.onLost(() => void ctx);
  return new WeakRef(ctx);
}

describe('RequestLockSession.start (the callback form of acquire)', () => {
  const redis = new RedisMock();
  const locker = createLocker(redis);

  after(async () => {
    await locker.close();
    redis.disconnect();
  });

  it('tells the receiver a grant with the request context, never synchronously, and releases at the end', async () => {
    const requests = new RequestLocker<{ id: string }>({ locker, key: (r) => `start:${r.id}` }, 'test');
    const session = requests.open('response');
    const receiver = recorder();
    session.start({ id: '1' }, { id: '1' }, receiver, 'ctx-1');
    expect(receiver.events).to.deep.equal([]);
    await receiver.settled;
    expect(receiver.events).to.deep.equal([{ event: 'outcome', context: 'ctx-1', detail: 'proceed' }]);
    expect(session.phase).to.equal('holding');
    session.responseDone();
    expect(session.phase).to.equal('released');
  });

  it('tells `failed` what the key function threw, and what the outcome handler threw', async () => {
    const boom = new Error('key function failed');
    const throwing = new RequestLocker<{ id: string }>(
      {
        locker,
        key: () => {
          throw boom;
        },
      },
      'test',
    ).open('response');
    const receiver = recorder();
    throwing.start({ id: '2' }, { id: '2' }, receiver, 'ctx-2');
    await receiver.settled;
    expect(receiver.events).to.deep.equal([{ event: 'failed', context: 'ctx-2', detail: boom }]);

    const handlerError = new Error('outcome handler failed');
    const failed: unknown[] = [];
    const session = new RequestLocker<{ id: string }>({ locker, key: (r) => `start:${r.id}` }, 'test').open(
      'response',
    );
    await new Promise<void>((resolve) => {
      session.start(
        { id: '3' },
        { id: '3' },
        {
          outcome: () => {
            throw handlerError;
          },
          failed: (_context, error) => {
            failed.push(error);
            resolve();
          },
          lost: () => undefined,
        },
        undefined,
      );
    });
    expect(failed).to.deep.equal([handlerError]);
    session.responseDone();
  });

  it('tells the receiver the 503 owed when the held lock is lost (maxHold ran out)', async () => {
    const requests = new RequestLocker<{ id: string }>(
      { locker, key: (r) => `start:${r.id}`, maxHold: 1 },
      'test',
    );
    const session = requests.open('response');
    const receiver = recorder();
    let lost: () => void = () => undefined;
    const wasLost = new Promise<void>((resolve) => (lost = resolve));
    const original = receiver.lost.bind(receiver);
    receiver.lost = (context, reply) => {
      original(context, reply);
      lost();
    };
    session.start({ id: '4' }, { id: '4' }, receiver, 'ctx-4');
    await wasLost;
    expect(receiver.events).to.deep.equal([
      { event: 'outcome', context: 'ctx-4', detail: 'proceed' },
      { event: 'lost', context: 'ctx-4', detail: 503 },
    ]);
    expect(session.lostReply?.status).to.equal(503);
    session.responseDone();
  });
  // `req.lock` (and with it the session) may stay reachable after the response; what the session holds of the
  // request must not (see `Lock.release` in core: kept, every request's objects were promoted by the GC).
  it('lets go of the request context once released, while the session stays reachable', async () => {
    const requests = new RequestLocker<{ id: string }>({ locker, key: (r) => `start:${r.id}` }, 'test');
    const session = requests.open('response');
    let lock: RequestLockOutcome | undefined;
    let contextRef: WeakRef<object> | undefined;
    await new Promise<void>((resolve) => {
      const receiver: RequestLockReceiver<object> = {
        outcome: (_context, outcome) => {
          lock = outcome;
          resolve();
        },
        failed: () => undefined,
        lost: () => undefined,
      };
      contextRef = startWithPayload(session, '5', receiver);
    });
    expect(lock?.type).to.equal('proceed');
    if (contextRef === undefined) throw new Error('not started');
    expect(await isCollected(contextRef)).to.equal(false); // held: the context is kept
    session.responseDone();
    expect(session.phase).to.equal('released');
    expect(await isCollected(contextRef)).to.equal(true);
    expect(lock?.type).to.equal('proceed'); // the lock (and through it the session) is still reachable here
  });

  it('lets go of an onLost listener once released (the acquire form)', async () => {
    const requests = new RequestLocker<{ id: string }>({ locker, key: (r) => `start:${r.id}` }, 'test');
    const session = requests.open('response');
    const outcome = await session.acquire({ id: '6' }, { id: '6' });
    const ctxRef = listenWithPayload(session);
    expect(await isCollected(ctxRef)).to.equal(false);
    session.responseDone();
    expect(await isCollected(ctxRef)).to.equal(true);
    expect(outcome.type).to.equal('proceed');
  });
});
