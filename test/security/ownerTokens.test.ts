// Threat: a process releases or extends a lock it does not own because it guessed, or collided with, the owner
// token. Tokens are 144 bits from the operating system's CSPRNG (node:crypto), never from Math.random or a clock.
import { waitUntil } from '@deadbolt/testing';
import { expect, use } from 'chai';
import chaiAsPromised from 'chai-as-promised';
import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { createLocker, lockKeys, LockLostError } from '@deadbolt/core';
import { newToken, SECRET_BYTES as TOKEN_BYTES } from '../../packages/core/src/keys/token.js';
import { eachBackend } from '../../packages/core/test/support/backends.js';
import { lockerPerTest } from './support/lockerPerTest.js';

use(chaiAsPromised);

/** The 18 secret bytes of a lock's token (`tag.secret`: the locker's 8-character tag, then the secret). */
function ownerTokenBytes(token: string): Buffer {
  expect(token).to.match(/^[A-Za-z0-9_-]{8}\./);
  return tokenBytes(token.slice(9));
}

/** The 18 bytes a secret stands for (base64url without padding: 24 characters). */
function tokenBytes(token: string): Buffer {
  expect(token).to.match(/^[A-Za-z0-9_-]{24}$/);
  const bytes = Buffer.from(token, 'base64url');
  expect(bytes.length).to.equal(TOKEN_BYTES);
  // SECURITY.md states 18 bytes (144 bits): the constant must not drift from the documented size.
  expect(TOKEN_BYTES).to.equal(18);
  return bytes;
}

describe('security: owner tokens are unguessable', function () {
  eachBackend((backend) => {
    const t = lockerPerTest(backend);

    it('every grant gets a fresh 144-bit token, and the lease in Redis holds exactly that token', async function () {
      const admin = backend().connect();
      const seen = new Set<string>();
      for (let i = 0; i < 50; i += 1) {
        const lock = await t.locker.acquire(`order:${i}`);
        ownerTokenBytes(lock.token);
        expect(await admin.get(lockKeys(t.prefix, lock.key).lease)).to.equal(lock.token);
        seen.add(lock.token);
        await lock.release();
      }
      const again = await t.locker.acquire('order:0');
      seen.add(again.token);
      await again.release();
      expect(seen.size).to.equal(51);
      admin.disconnect();
    });

    it('another locker that knows only the key cannot take the lease over', async function () {
      const admin = backend().connect();
      const lock = await t.locker.acquire('order:1');
      const { lease } = lockKeys(t.prefix, lock.key);
      // Another process that only knows the key (not the token) cannot take the lease over.
      const other = createLocker(backend().connect(), { prefix: t.prefix, ttl: 5_000, wait: 0 });
      expect(await other.tryAcquire('order:1')).to.equal(null);
      await other.close();
      expect(await admin.get(lease)).to.equal(lock.token);
      expect(await lock.release()).to.equal(true);
      admin.disconnect();
    });
    it('a former holder whose lease expired cannot release or extend the next holder’s lease', async function () {
      const admin = backend().connect();
      const stale = createLocker(backend().connect(), { prefix: t.prefix, ttl: 60, renew: false });
      const old = await stale.acquire('order:2');
      const { lease } = lockKeys(t.prefix, old.key);
      await new Promise((resolve) => old.signal.addEventListener('abort', resolve));
      await waitUntil(async () => (await admin.exists(lease)) === 0);
      const current = await t.locker.acquire('order:2');
      expect(await old.release()).to.equal(false);
      await expect(old.extend()).to.be.rejectedWith(LockLostError);
      expect(await admin.get(lease)).to.equal(current.token);
      expect(await admin.pttl(lease)).to.be.greaterThan(1_000);
      expect(await current.release()).to.equal(true);
      await stale.close();
      admin.disconnect();
    });
  });

  it('tokens come from crypto.randomFillSync, the OS CSPRNG', function () {
    const original = crypto.randomFillSync;
    const marked = <T extends NodeJS.ArrayBufferView>(buffer: T): T => {
      new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength).fill(0xab);
      return buffer;
    };
    crypto.randomFillSync = marked;
    syncBuiltinESMExports();
    try {
      // Tokens are drawn from a pool of 256; within 257 draws the pool is refilled from randomFillSync.
      const tokens = Array.from({ length: 257 }, () => newToken());
      const fromStub = Buffer.alloc(TOKEN_BYTES, 0xab).toString('base64url');
      expect(tokens).to.include(fromStub);
    } finally {
      crypto.randomFillSync = original;
      syncBuiltinESMExports();
    }
    // Drain what is left of the stubbed batch; the next batch comes from the real generator again.
    for (let i = 0; i < 256; i += 1) newToken();
    expect(Array.from({ length: 256 }, () => newToken())).not.to.include(
      Buffer.alloc(TOKEN_BYTES, 0xab).toString('base64url'),
    );
  });

  it('tokens do not depend on Math.random or the clock', function () {
    const random = Math.random;
    const now = Date.now;
    Math.random = () => 0.5;
    Date.now = () => 0;
    try {
      const tokens = Array.from({ length: 1_000 }, () => newToken());
      expect(new Set(tokens).size).to.equal(1_000);
    } finally {
      Math.random = random;
      Date.now = now;
    }
  });

  it('token bits are unbiased: each of the 144 bit positions is set in about half of 20 000 tokens', function () {
    const count = 20_000;
    const ones = new Array<number>(TOKEN_BYTES * 8).fill(0);
    const seen = new Set<string>();
    for (let i = 0; i < count; i += 1) {
      const token = newToken();
      seen.add(token);
      const bytes = tokenBytes(token);
      for (let bit = 0; bit < TOKEN_BYTES * 8; bit += 1) {
        ones[bit] = (ones[bit] ?? 0) + (((bytes[bit >> 3] ?? 0) >> (bit & 7)) & 1);
      }
    }
    expect(seen.size).to.equal(count);
    // Binomial(20 000, 0.5) has a standard deviation of about 71: ±1 000 is 14 standard deviations, so a fair
    // generator never fails this, while a constant, counter-like or 64-bit-padded token always does.
    for (const set of ones) expect(set).to.be.within(count / 2 - 1_000, count / 2 + 1_000);
  });
});
