import { createServer, type RequestListener } from 'node:http';
import { listen } from './listen.js';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Locker } from '@deadbolt/core';

/** What the bank test needs of the example's accounts store. */
export interface Accounts {
  /** Opens (or resets) an account with `balance`. */
  open(id: string, balance: number): Promise<void>;
  /** The balance, or `undefined` for an unknown account. */
  balance(id: string): Promise<number | undefined>;
}

/** One example app (Express or Koa) as the bank test drives it. */
export interface BankUnderTest {
  readonly listener: RequestListener;
  readonly accounts: Accounts;
  readonly locker: Locker;
}

/**
 * The example bank test, shared by the Express and Koa examples: 50 concurrent withdrawals of 1 from an account
 * holding 100 lose updates without the lock and none with it.
 */
export function describeBankExample(
  name: string,
  make: (redis: Redis, locked: boolean) => BankUnderTest,
): void {
  describe(`${name} bank on a real Redis`, () => {
    const redis = useRedisServer();

    async function withdrawFifty(
      locked: boolean,
    ): Promise<{ statuses: number[]; balance: number | undefined }> {
      const { listener, accounts, locker } = make(redis.server.client(), locked);
      await accounts.open('acct', 100);
      const served = await listen(createServer(listener));
      try {
        const responses = await Promise.all(
          Array.from({ length: 50 }, () =>
            fetch(`${served.url}/accounts/acct/withdraw`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: '{"amount":1}',
            }),
          ),
        );
        await Promise.all(responses.map((r) => r.arrayBuffer()));
        return { statuses: responses.map((r) => r.status), balance: await accounts.balance('acct') };
      } finally {
        await served.close();
        await locker.close();
      }
    }

    it('loses withdrawals without the lock and none with it', async () => {
      const unlocked = await withdrawFifty(false);
      const locked = await withdrawFifty(true);
      expect(unlocked.balance).to.be.greaterThan(50);
      expect(locked.statuses.every((s) => s === 200)).to.equal(true);
      expect(locked.balance).to.equal(50);
    });
  });
}
