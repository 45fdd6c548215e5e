import { createLocker, LockConfigError, MAX_LIMIT } from '@deadbolt/core';
import { RequestLocker } from '@deadbolt/http';
import { expect } from 'chai';
import RedisMock from 'ioredis-mock';

describe('RequestLocker options', () => {
  const redis = new RedisMock();
  const locker = createLocker(redis);
  const key = () => 'k';
  after(async () => {
    await locker.close();
    redis.disconnect();
  });

  it('fills in the documented defaults', () => {
    const { config } = new RequestLocker({ locker, key }, 'lockRequests');
    expect(config).to.include({
      wait: 5_000,
      ttl: undefined,
      statusCode: 409,
      failOpen: false,
      maxHold: undefined,
    });
    expect(config.logger).to.equal(console);
    // busy: typical hold × (in line + 1), capped by the holder's lease, at least 1 s (see defaultRetryAfter)
    expect(config.retryAfter({ reason: 'busy', remaining: 9_800 })).to.equal(1); // no hold seen yet: 1 s each
    expect(config.retryAfter({ reason: 'busy', remaining: 9_800, typicalHold: 200, inLine: 0 })).to.equal(1);
    expect(config.retryAfter({ reason: 'busy', remaining: 9_800, typicalHold: 2_500, inLine: 0 })).to.equal(
      3,
    );
    expect(config.retryAfter({ reason: 'busy', remaining: 9_800, typicalHold: 700, inLine: 4 })).to.equal(4);
    expect(config.retryAfter({ reason: 'busy', remaining: 1_200, typicalHold: 2_500, inLine: 3 })).to.equal(
      2,
    );
    expect(config.retryAfter({ reason: 'busy', remaining: -1, typicalHold: 2_500 })).to.equal(3);
    expect(config.retryAfter({ reason: 'busy', remaining: 300, typicalHold: 50 })).to.equal(1);
    expect(config.retryAfter({ reason: 'unavailable', remaining: -1 })).to.equal(1);
  });

  it('refuses misuse when the middleware is created, naming the option', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ key }, /needs "locker"/],
      [{ locker }, /needs "key"/],
      [{ locker, key: 'order:1' }, /needs "key": a function/],
      [{ locker, key, wait: -1 }, /"wait" must be/],
      [{ locker, key, ttl: 0 }, /"ttl" must be/],
      [{ locker, key, statusCode: 200 }, /"statusCode" must be an integer HTTP error status/],
      [{ locker, key, failOpen: 'yes' }, /"failOpen" must be a boolean/],
      [{ locker, key, retryAfter: 1.5 }, /"retryAfter" must be/],
      [{ locker, key, logger: {} }, /"logger" must be console-like/],
      [{ locker, key, maxHold: 0 }, /"maxHold" must be/],
      [{ locker, key, waitMs: 10 }, /Unknown option "waitMs" in lockRequests\(\) options/],
    ];
    for (const [options, message] of bad) {
      expect(() => new RequestLocker(options as never, 'lockRequests')).to.throw(LockConfigError, message);
    }
  });

  it('accepts the adapter options it is told about and a retryAfter function', () => {
    const onBusy = () => undefined;
    const requests = new RequestLocker({ locker, key, onBusy, maxAge: 1 } as never, 'lockRequests', [
      'maxAge',
    ]);
    expect(requests.config.statusCode).to.equal(409);
    expect(requests.config.onBusy).to.equal(onBusy);
    expect(() => new RequestLocker({ locker, key, onBusy: 1 } as never, 'lockRequests')).to.throw(
      LockConfigError,
      /"onBusy" must be a function/,
    );
    const custom = new RequestLocker({ locker, key, retryAfter: () => 2.2 }, 'lockRequests');
    expect(custom.config.retryAfter({ reason: 'busy', remaining: 0 })).to.equal(3);
  });

  it('resolves mode and limit once: no per-request mode without them, refusals naming the option', () => {
    const modeOf = (options: Record<string, unknown>) =>
      new RequestLocker({ locker, key, ...options }, 'lockRequests').config.modeOf;
    expect(modeOf({})).to.equal(undefined);
    expect(modeOf({ mode: 'exclusive' })).to.equal(undefined);
    expect(modeOf({ mode: 'shared' })?.({})).to.deep.equal({ shared: true });
    expect(modeOf({ limit: 3, mode: 'exclusive' })?.({})).to.deep.equal({ limit: 3 });
    const byMethod = modeOf({
      mode: (r: { method: string }) => (r.method === 'GET' ? 'shared' : 'exclusive'),
    });
    expect([byMethod?.({ method: 'GET' }), byMethod?.({ method: 'POST' })]).to.deep.equal([
      { shared: true },
      undefined,
    ]);
    expect(modeOf({ mode: () => Promise.resolve('shared') })?.({})).to.be.instanceOf(LockConfigError);
    expect(modeOf({ limit: () => MAX_LIMIT + 1 })?.({})).to.be.instanceOf(LockConfigError);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ mode: 'shared', limit: 2 }, /"limit" cannot be combined with "mode" "shared"/],
      [{ mode: () => 'shared', limit: 2 }, /"limit" cannot be combined with "mode" as a function/],
      [{ mode: 'read' }, /"mode" must be 'exclusive', 'shared' or a function/],
      [{ limit: MAX_LIMIT + 1 }, /"limit" must be an integer from 1 to 1000000/],
      [{ limit: '2' }, /"limit" must be an integer/],
    ];
    for (const [options, message] of bad) expect(() => modeOf(options)).to.throw(LockConfigError, message);
  });
});
