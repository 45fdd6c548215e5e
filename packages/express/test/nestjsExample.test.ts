import { once } from 'node:events';
import type { Server } from 'node:http';
import { deferred, type Deferred } from '@deadbolt/http/conformance';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import RedisMock from 'ioredis-mock';
import request from 'supertest';
import { createApp, type App, type Ledger } from '../../../examples/nestjs/app.js';

/**
 * Balances in memory, with a gate between reading a balance and writing it back: the test sees which changes
 * are inside that read → write window at once and lets them finish when it chooses, so a lost update (or its
 * absence) shows without any timing.
 */
class GatedLedger implements Ledger {
  readonly #balances = new Map<string, number>();
  readonly #gate: Deferred = deferred();
  readonly #arrivals: Deferred[] = [deferred(), deferred()];
  /** Changes that have read a balance and wait at the gate to write it. */
  inside = 0;

  open(id: string, balance: number): Promise<void> {
    this.#balances.set(id, balance);
    return Promise.resolve();
  }

  balance(id: string): Promise<number | undefined> {
    return Promise.resolve(this.#balances.get(id));
  }

  async apply(id: string, amount: number): Promise<number | 'insufficient' | undefined> {
    const balance = this.#balances.get(id);
    if (balance === undefined) return undefined;
    if (balance + amount < 0) return 'insufficient';
    this.inside += 1;
    this.#arrivals[this.inside - 1]?.resolve();
    await this.#gate.promise; // e.g. the payment provider's round trip
    this.inside -= 1;
    this.#balances.set(id, balance + amount);
    return balance + amount;
  }

  /** Resolves once `count` changes have read their balance. */
  reached(count: 1 | 2): Promise<void> {
    return (this.#arrivals[count - 1] as Deferred).promise;
  }

  /** Lets every change at the gate, and every later one, write. */
  letThrough(): void {
    this.#gate.resolve();
  }
}

/** The body of a successful deposit or withdrawal. */
interface Moved {
  readonly balance: number;
  readonly fence: number | null;
}

/** What the test reads of a withdrawal's answer. */
interface Withdrawal extends Partial<Moved> {
  readonly status: number;
}

function describeNestBank(backend: string, client: () => Redis): void {
  describe(`examples/nestjs: lockRequests on a Nest controller route (${backend})`, () => {
    let bank: App | undefined;
    afterEach(async () => {
      await bank?.app.close();
      await bank?.locker.close();
      bank = undefined;
    });

    async function start(locked: boolean): Promise<{ ledger: GatedLedger; server: Server }> {
      const ledger = new GatedLedger();
      bank = await createApp({ redis: client(), locked, ledger });
      await ledger.open('acct', 100);
      await bank.app.listen(0, '127.0.0.1');
      return { ledger, server: bank.app.getHttpServer() as Server };
    }

    /** A withdrawal of 1 from `acct`: its status and the answer's balance and fence. */
    const withdraw = (server: Server): Promise<Withdrawal> =>
      request(server)
        .post('/accounts/acct/withdraw')
        .send({ amount: 1 })
        .then((response) => ({ status: response.status, ...(response.body as Moved) }));

    it('serializes two concurrent withdrawals on one account: the second waits for the first, no update is lost', async () => {
      const { ledger, server } = await start(true);
      const locker = (bank as App).locker;
      const first = withdraw(server);
      await ledger.reached(1);
      const waited = once(locker, 'waited');
      const second = withdraw(server);
      await waited; // the second request's lock attempt was refused: it waits in line for the account
      expect(ledger.inside, 'only the first withdrawal is between its read and its write').to.equal(1);
      ledger.letThrough();
      const [one, two] = await Promise.all([first, second]);
      expect([one.status, two.status]).to.deep.equal([200, 200]);
      expect([one.balance, two.balance]).to.deep.equal([99, 98]);
      expect(two.fence, 'the second grant is fenced above the first').to.be.greaterThan(
        one.fence ?? Infinity,
      );
      expect(await ledger.balance('acct')).to.equal(98);
    });

    it('loses an update without the lock: both withdrawals read 100', async () => {
      const { ledger, server } = await start(false);
      const first = withdraw(server);
      await ledger.reached(1);
      const second = withdraw(server);
      await ledger.reached(2);
      ledger.letThrough();
      const [one, two] = await Promise.all([first, second]);
      expect([one.status, two.status]).to.deep.equal([200, 200]);
      expect([one.fence, two.fence]).to.deep.equal([null, null]);
      expect(await ledger.balance('acct'), 'one withdrawal of 1 was lost').to.equal(99);
    });

    it('answers 400 from the controller and 404 for an unknown account, through the lock', async () => {
      const { server } = await start(true);
      const bad = await request(server).post('/accounts/acct/withdraw').send({ amount: -5 });
      expect(bad.status).to.equal(400);
      const unknown = await request(server).post('/accounts/nobody/deposit').send({ amount: 5 });
      expect(unknown.status).to.equal(404);
      expect((await request(server).get('/accounts/acct')).body).to.deep.equal({ balance: 100 });
    });
  });
}

describe('examples/nestjs', () => {
  const redis = useRedisServer();
  describeNestBank('real Redis', () => redis.server.client());
  describeNestBank('ioredis-mock', () => new RedisMock());
});
