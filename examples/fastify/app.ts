import { createLocker, type Locker } from '@deadbolt/core';
import { deadbolt, lockRequests } from '@deadbolt/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
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
  readonly app: FastifyInstance;
  readonly accounts: Accounts;
  readonly locker: Locker;
}

/** The routes' types: the account id in the path, the amount in the JSON body. */
interface AccountRoute {
  Params: { id: string };
  Body: { amount?: unknown } | undefined;
}

/**
 * A small bank: `GET /accounts/:id`, `POST /accounts/:id/deposit` and `POST /accounts/:id/withdraw` with a
 * JSON body `{ "amount": 10 }`. Answers carry the new balance and the lock's fence.
 */
export function createApp({ redis, locked, workMs }: AppOptions): App {
  const accounts = new Accounts(redis, workMs);
  const locker = createLocker(redis);
  const app = Fastify();
  void app.register(deadbolt); // declares request.lock
  // One lock per account, as the routes' preHandler (the body is parsed by then). Skipped when !locked.
  const lock = lockRequests<AccountRoute>({
    locker,
    key: (request) => (locked ? `account:${request.params.id}` : false),
  });

  app.get<AccountRoute>('/accounts/:id', async (request, reply) => {
    const balance = await accounts.balance(request.params.id);
    if (balance === undefined) return reply.code(404).send({ error: 'no such account' });
    return { balance };
  });

  const move = (sign: 1 | -1) => async (request: FastifyRequest<AccountRoute>, reply: FastifyReply) => {
    const amount = Number(request.body?.amount);
    if (!Number.isInteger(amount) || amount <= 0)
      return reply.code(400).send({ error: 'amount must be a positive integer' });
    const result = await accounts.apply(request.params.id, sign * amount);
    if (request.lock?.signal.aborted) return reply; // the lock is gone: the hook has answered (503)
    if (result === undefined) return reply.code(404).send({ error: 'no such account' });
    if (result === 'insufficient') return reply.code(409).send({ error: 'insufficient funds' });
    return { balance: result, fence: request.lock?.fence ?? null };
  };
  app.post<AccountRoute>('/accounts/:id/deposit', { preHandler: lock }, move(1));
  app.post<AccountRoute>('/accounts/:id/withdraw', { preHandler: lock }, move(-1));
  return { app, accounts, locker };
}
