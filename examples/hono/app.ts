import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/hono';
import type { HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { Redis } from 'ioredis';
import { Accounts } from '../shared/accounts.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The Redis client that stores the accounts and the locks. */
  readonly redis: Redis;
  /** Serialize deposits and withdrawals per account with `lockRequests`. */
  readonly locked: boolean;
  /** Pretend latency between reading and writing a balance, in ms. Default `5`. */
  readonly workMs?: number;
}

/** The app's Env: served by @hono/node-server. */
export type AppEnv = { Bindings: HttpBindings };

/** The app and the locker it made (close the locker when you stop the app). */
export interface App {
  readonly app: Hono<AppEnv>;
  readonly accounts: Accounts;
  readonly locker: Locker;
}

/** The `amount` of a JSON body `{ "amount": 10 }`, or `undefined` when it is missing or not a positive integer. */
async function amountOf(c: Context): Promise<number | undefined> {
  const body = (await c.req.json().catch(() => undefined)) as { amount?: unknown } | undefined;
  const amount = body?.amount;
  return typeof amount === 'number' && Number.isInteger(amount) && amount > 0 ? amount : undefined;
}

/**
 * A small bank: `GET /accounts/:id`, `POST /accounts/:id/deposit` and `POST /accounts/:id/withdraw` with a
 * JSON body `{ "amount": 10 }`. Answers carry the new balance and the lock's fence.
 */
export function createApp({ redis, locked, workMs }: AppOptions): App {
  const accounts = new Accounts(redis, workMs);
  const locker = createLocker(redis);
  const app = new Hono<AppEnv>();
  // One lock per account, mounted on the routes (so c.req.param('id') is set). Locking is skipped when !locked.
  const lock = lockRequests<AppEnv>({
    locker,
    key: (c) => (locked ? `account:${c.req.param('id')}` : false),
  });

  app.get('/accounts/:id', async (c) => {
    const balance = await accounts.balance(c.req.param('id'));
    return balance === undefined ? c.json({ error: 'no such account' }, 404) : c.json({ balance });
  });

  for (const [action, sign] of [
    ['deposit', 1],
    ['withdraw', -1],
  ] as const) {
    app.post(`/accounts/:id/${action}`, lock, async (c) => {
      const amount = await amountOf(c);
      if (amount === undefined) return c.json({ error: 'amount must be a positive integer' }, 400);
      // If the lock is lost meanwhile, the middleware answers 503 instead of this.
      const result = await accounts.apply(c.req.param('id'), sign * amount);
      if (result === undefined) return c.json({ error: 'no such account' }, 404);
      if (result === 'insufficient') return c.json({ error: 'insufficient funds' }, 409);
      return c.json({ balance: result, fence: c.get('lock')?.fence ?? null });
    });
  }
  return { app, accounts, locker };
}
