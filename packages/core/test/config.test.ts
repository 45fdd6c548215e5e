import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import type { Redis } from 'ioredis';
import { createLocker, LockConfigError, type AcquireOptions, type LockerOptions } from '@deadbolt/core';

use(chaiAsPromised);

/** A client that records every command instead of sending it. */
function spyClient(): { client: Redis; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const record = (...args: unknown[]): Promise<unknown> => {
    calls.push(args);
    return Promise.resolve(1); // "granted, fence 1" in the acquire script's reply format
  };
  return { client: { status: 'ready', eval: record, evalsha: record } as unknown as Redis, calls };
}

describe('bad input is refused with LockConfigError before any command', function () {
  const badKeys: [string, unknown][] = [
    ['an empty key', ''],
    ['a key over 512 bytes', 'k'.repeat(513)],
    ['a key of 171 three-byte characters (513 bytes)', '€'.repeat(171)],
    ['a non-string key', 42],
    ['a null key', null],
    ['an empty key list', []],
    ['a list with an empty key', ['a', '']],
    ['a lone surrogate', 'a\ud800b'],
  ];
  for (const [what, key] of badKeys) {
    it(`refuses ${what}`, async function () {
      const { client, calls } = spyClient();
      const locker = createLocker(client);
      await expect(locker.acquire(key as string)).to.be.rejectedWith(LockConfigError);
      await expect(locker.tryAcquire(key as string)).to.be.rejectedWith(LockConfigError);
      expect(calls).to.deep.equal([]);
    });
  }

  it('accepts a key of exactly 512 bytes', async function () {
    const { client, calls } = spyClient();
    await createLocker(client).tryAcquire('k'.repeat(512), { renew: false });
    expect(calls).to.have.length(1);
  });

  const badTtls: unknown[] = [0, -1, NaN, Infinity, 1.5, '100', 2 ** 31];
  for (const ttl of badTtls) {
    it(`refuses ttl ${String(ttl)} in acquire options and locker options`, async function () {
      const { client, calls } = spyClient();
      expect(() => createLocker(client, { ttl: ttl as number })).to.throw(LockConfigError, /"ttl"/);
      await expect(createLocker(client).acquire('k', { ttl: ttl as number })).to.be.rejectedWith(
        LockConfigError,
      );
      expect(calls).to.deep.equal([]);
    });
  }

  for (const wait of [-1, NaN, 0.5, '5']) {
    it(`refuses wait ${String(wait)}`, async function () {
      const { client, calls } = spyClient();
      expect(() => createLocker(client, { wait: wait as number })).to.throw(LockConfigError, /"wait"/);
      await expect(createLocker(client).acquire('k', { wait: wait as number })).to.be.rejectedWith(
        LockConfigError,
      );
      expect(calls).to.deep.equal([]);
    });
  }

  it('refuses unknown option names, naming them and the known ones', async function () {
    const { client, calls } = spyClient();
    expect(() => createLocker(client, { timeout: 5 } as LockerOptions)).to.throw(
      LockConfigError,
      /"timeout".*"ttl"/,
    );
    await expect(createLocker(client).acquire('k', { retries: 3 } as AcquireOptions)).to.be.rejectedWith(
      LockConfigError,
      /"retries"/,
    );
    expect(calls).to.deep.equal([]);
  });

  it('treats options set to undefined as unset', async function () {
    const { client } = spyClient();
    const locker = createLocker(client, { ttl: undefined, prefix: undefined } as unknown as LockerOptions);
    expect(
      await locker.tryAcquire('k', { ttl: undefined, renew: false } as unknown as AcquireOptions),
    ).to.not.equal(null);
  });

  it('validates a frozen options object once, and reads an unfrozen one anew on every call', async function () {
    const { client, calls } = spyClient();
    const locker = createLocker(client);
    const ttlSent = async (options: AcquireOptions): Promise<unknown> => {
      calls.length = 0;
      await (await locker.acquire('k', options)).release();
      return calls[0]?.[4]; // EVAL(SHA) script, 1 key, the lease key, token, ttl
    };
    const frozen = Object.freeze({ ttl: 5_000, renew: false });
    expect([await ttlSent(frozen), await ttlSent(frozen)]).to.deep.equal([5_000, 5_000]);
    const open = { ttl: 5_000, renew: false };
    expect(await ttlSent(open)).to.equal(5_000);
    open.ttl = 6_000;
    expect(await ttlSent(open)).to.equal(6_000);
    const bad = Object.freeze({ ttl: -1 });
    for (let call = 0; call < 2; call++) {
      await expect(locker.acquire('k', bad)).to.be.rejectedWith(LockConfigError, /"ttl"/);
    }
  });

  it('refuses other bad locker options', function () {
    const { client } = spyClient();
    for (const options of [
      { prefix: '' },
      { prefix: 'a{b}' },
      { renew: 'yes' },
      { fair: 1 },
      { driftFactor: -0.1 },
      { driftFactor: 0.5 },
      { commandTimeout: 0 },
      { onLockLost: 'log' },
    ]) {
      expect(() => createLocker(client, options as LockerOptions), JSON.stringify(options)).to.throw(
        LockConfigError,
      );
    }
    expect(() => createLocker({} as Redis)).to.throw(LockConfigError, /ioredis/);
  });

  it('every error carries its stable code', function () {
    const { client } = spyClient();
    try {
      createLocker(client, { ttl: 0 });
      expect.fail('no error');
    } catch (error) {
      expect((error as LockConfigError).code).to.equal('ERR_LOCK_CONFIG');
      expect((error as Error).name).to.equal('LockConfigError');
    }
  });
});
