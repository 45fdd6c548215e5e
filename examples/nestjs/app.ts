import 'reflect-metadata';
import { createLocker, type Locker } from '@deadbolt/core';
import { lockRequests } from '@deadbolt/express';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Module,
  Param,
  Post,
  Req,
  RequestMethod,
  type DynamicModule,
  type INestApplication,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Request } from 'express';
import type { Redis } from 'ioredis';
import { Accounts } from '../shared/accounts.js';

/** What the bank needs of its accounts store: `Accounts` from `examples/shared`, or a test's own. */
export type Ledger = Pick<Accounts, 'open' | 'balance' | 'apply'>;

/** Options of {@link createApp}. */
export interface AppOptions {
  /** The Redis client that stores the locks (and the accounts, unless `ledger` is given). */
  readonly redis: Redis;
  /** Serialize deposits and withdrawals per account with `lockRequests`. */
  readonly locked: boolean;
  /** The accounts store. Default: `new Accounts(redis, workMs)`. */
  readonly ledger?: Ledger;
  /** Pretend latency between reading and writing a balance, in ms, of the default store. Default `5`. */
  readonly workMs?: number;
  /** Nest's logger: `false` (the default here) keeps the example's tests quiet. */
  readonly logger?: false | undefined;
}

/** The initialized Nest app (not listening yet), its store and the locker it made (close it with the app). */
export interface App {
  readonly app: INestApplication;
  readonly ledger: Ledger;
  readonly locker: Locker;
}

/**
 * Nest's injection tokens. tsx (esbuild) does not emit decorator metadata, so every constructor parameter names
 * its token with `@Inject` instead of relying on its type.
 */
const LEDGER = Symbol('Ledger');
const BANK = Symbol('BankOptions');

/** What the bank module is configured with. */
interface BankOptions {
  readonly locker: Locker;
  readonly locked: boolean;
}

/** The body of a deposit or withdrawal. */
interface MoveBody {
  readonly amount?: unknown;
}

@Controller('accounts')
class AccountsController {
  constructor(@Inject(LEDGER) private readonly ledger: Ledger) {}

  @Get(':id')
  async balance(@Param('id') id: string): Promise<{ balance: number }> {
    const balance = await this.ledger.balance(id);
    if (balance === undefined) throw new HttpException('no such account', HttpStatus.NOT_FOUND);
    return { balance };
  }

  @Post(':id/deposit')
  @HttpCode(HttpStatus.OK)
  deposit(@Param('id') id: string, @Body() body: MoveBody, @Req() req: Request) {
    return this.#move(id, body, req, 1);
  }

  @Post(':id/withdraw')
  @HttpCode(HttpStatus.OK)
  withdraw(@Param('id') id: string, @Body() body: MoveBody, @Req() req: Request) {
    return this.#move(id, body, req, -1);
  }

  async #move(id: string, body: MoveBody | undefined, req: Request, sign: 1 | -1) {
    const amount = Number(body?.amount);
    if (!Number.isInteger(amount) || amount <= 0) {
      throw new HttpException('amount must be a positive integer', HttpStatus.BAD_REQUEST);
    }
    const result = await this.ledger.apply(id, sign * amount);
    // If the lock was lost meanwhile, the middleware has answered 503 and discards this answer.
    if (result === undefined) throw new HttpException('no such account', HttpStatus.NOT_FOUND);
    if (result === 'insufficient') throw new HttpException('insufficient funds', HttpStatus.CONFLICT);
    return { balance: result, fence: req.lock?.fence ?? null };
  }
}

/**
 * The bank's routes, with `lockRequests` from `@deadbolt/express` applied through Nest's middleware consumer to
 * the two routes that change a balance: one lock per account (`req.params.id`, which Nest's Express platform
 * matches for a middleware bound to a route path).
 */
@Module({ controllers: [AccountsController] })
class BankModule implements NestModule {
  constructor(@Inject(BANK) private readonly bank: BankOptions) {}

  static register(bank: BankOptions, ledger: Ledger): DynamicModule {
    return {
      module: BankModule,
      providers: [
        { provide: BANK, useValue: bank },
        { provide: LEDGER, useValue: ledger },
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.bank.locked) return;
    const lock = lockRequests({
      locker: this.bank.locker,
      key: (req) => `account:${String(req.params['id'])}`,
    });
    consumer
      .apply(lock)
      .forRoutes(
        { path: 'accounts/:id/deposit', method: RequestMethod.POST },
        { path: 'accounts/:id/withdraw', method: RequestMethod.POST },
      );
  }
}

/**
 * The example bank on NestJS (its Express platform): `GET /accounts/:id`, `POST /accounts/:id/deposit` and
 * `POST /accounts/:id/withdraw` with a JSON body `{ "amount": 10 }`. Resolves once the app is initialized;
 * call `app.listen(port)` to serve it, or hand `app.getHttpServer()` to supertest.
 *
 * @example
 * ```ts
 * const { app } = await createApp({ redis, locked: true })
 * await app.listen(3000)
 * ```
 */
export async function createApp({ redis, locked, ledger, workMs, logger = false }: AppOptions): Promise<App> {
  const store = ledger ?? new Accounts(redis, workMs);
  const locker = createLocker(redis);
  const app = await NestFactory.create(BankModule.register({ locker, locked }, store), new ExpressAdapter(), {
    logger,
  });
  await app.init();
  return { app, ledger: store, locker };
}
