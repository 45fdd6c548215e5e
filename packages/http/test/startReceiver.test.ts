import { createLocker } from '@deadbolt/core';
import { RequestLocker, type RequestLockOutcome, type RequestLockReceiver } from '@deadbolt/http';
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
});
