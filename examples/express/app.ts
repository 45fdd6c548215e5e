import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/express';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
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

/** The app and the locker it made (close the locker when you stop the app). */
export interface App {
  readonly app: Express;
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
  const app = express();
  app.use(express.json());
  // One lock per account, mounted on the routes (so req.params.id is set). Locking is skipped when !locked.
  const lock = lockRequests({
    locker,
    key: (req) => (locked ? `account:${String(req.params['id'])}` : false),
  });

  app.get('/accounts/:id', async (req, res) => {
    const balance = await accounts.balance(String(req.params['id']));
    if (balance === undefined) res.status(404).json({ error: 'no such account' });
    else res.json({ balance });
  });

  const move = (sign: 1 | -1) => async (req: Request, res: Response, next: NextFunction) => {
    try {
      const amount = Number((req.body as { amount?: unknown } | undefined)?.amount);
      if (!Number.isInteger(amount) || amount <= 0) {
        res.status(400).json({ error: 'amount must be a positive integer' });
        return;
      }
      const result = await accounts.apply(String(req.params['id']), sign * amount);
      if (req.lock?.signal.aborted) return; // the lock is gone: the middleware has answered (503)
      if (result === undefined) res.status(404).json({ error: 'no such account' });
      else if (result === 'insufficient') res.status(409).json({ error: 'insufficient funds' });
      else res.json({ balance: result, fence: req.lock?.fence ?? null });
    } catch (error) {
      next(error); // Express 4 does not catch rejected promises
    }
  };
  app.post('/accounts/:id/deposit', lock, move(1));
  app.post('/accounts/:id/withdraw', lock, move(-1));
  return { app, accounts, locker };
}
