import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests, type LockState, type RouteContext } from '@deadbolt/koa';
import Router from '@koa/router';
import type { Redis } from 'ioredis';
import Koa, { type Context } from 'koa';
import { Accounts } from '../shared/accounts.js';
import { readJson } from './readJson.js';

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The Redis client that stores the accounts and the locks. */
  readonly redis: Redis;
  /** Serialize deposits and withdrawals per account with `lockRequests`. */
  readonly locked: boolean;
  /** Pretend latency between reading and writing a balance, in ms. Default `5`. */
  readonly workMs?: number;
}

/** The app and the locker it made (close the locker when you stop the app). */
export interface App {
  readonly app: Koa<LockState>;
  readonly accounts: Accounts;
  readonly locker: Locker;
}

/**
 * A small bank: `GET /accounts/:id`, `POST /accounts/:id/deposit` and `POST /accounts/:id/withdraw` with a
 * JSON body `{ "amount": 10 }`. Answers carry the new balance and the lock's fence.
 */
export function createApp({ redis, locked, workMs }: AppOptions): App {
  const accounts = new Accounts(redis, workMs);
  const locker = createLocker(redis);
  const app = new Koa<LockState>();
  const router = new Router<LockState>();
  // One lock per account, mounted on the routes (so ctx.params.id is set). Locking is skipped when !locked.
  const id = (ctx: Context): string => String((ctx as RouteContext).params['id']);
  const lock = lockRequests({ locker, key: (ctx) => (locked ? `account:${ctx.params['id']}` : false) });

  router.get('/accounts/:id', async (ctx) => {
    const balance = await accounts.balance(id(ctx));
    ctx.status = balance === undefined ? 404 : 200;
    ctx.body = balance === undefined ? { error: 'no such account' } : { balance };
  });

  const move = (sign: 1 | -1) => async (ctx: Context) => {
    const amount = Number(((await readJson(ctx)) as { amount?: unknown } | undefined)?.amount);
    if (!Number.isInteger(amount) || amount <= 0) {
      ctx.status = 400;
      ctx.body = { error: 'amount must be a positive integer' };
      return;
    }
    const result = await accounts.apply(id(ctx), sign * amount);
    const lockState = ctx.state as LockState;
    if (result === undefined) [ctx.status, ctx.body] = [404, { error: 'no such account' }];
    else if (result === 'insufficient') [ctx.status, ctx.body] = [409, { error: 'insufficient funds' }];
    else ctx.body = { balance: result, fence: lockState.lock?.fence ?? null };
  };
  router.post('/accounts/:id/deposit', lock, move(1));
  router.post('/accounts/:id/withdraw', lock, move(-1));
  app.use(router.routes()).use(router.allowedMethods());
  return { app, accounts, locker };
}
