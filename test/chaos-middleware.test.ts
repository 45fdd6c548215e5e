import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultProxy, noFaults, type ConnectionFaults } from '@deadbolt/chaos';
import type { Locker } from '@deadbolt/core';
import { RedisServer, testClientOptions } from '@deadbolt/testing';
import { expect } from 'chai';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { createApp as createExpressApp } from '../examples/express/app.js';
import { createApp as createKoaApp } from '../examples/koa/app.js';
import { createApp as createHonoApp } from '../examples/hono/app.js';
import { getRequestListener } from '@hono/node-server';

// Middleware under chaos: concurrent deposits (the clients) to the Express, Koa and Hono example banks while the
// app's Redis connection suffers faults through a TCP fault proxy (latency with jitter, a partition that heals,
// connection resets) and Redis itself stalls (SIGSTOP, shorter than the lock's ttl). No acknowledged deposit may be
// lost: the final balance is at least the opening balance plus every deposit answered 200, and at most that plus
// every deposit whose outcome is unknown (answered with an error).

type Fault =
  | { readonly kind: 'latency'; readonly at: number; readonly ms: number; readonly for: number }
  | { readonly kind: 'partition'; readonly at: number; readonly for: number }
  | { readonly kind: 'reset'; readonly at: number }
  | { readonly kind: 'stall'; readonly at: number; readonly for: number };

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('latency' as const),
    at: fc.nat(60),
    ms: fc.integer({ min: 1, max: 40 }),
    for: fc.integer({ min: 10, max: 300 }),
  }),
  fc.record({
    kind: fc.constant('partition' as const),
    at: fc.nat(60),
    for: fc.integer({ min: 10, max: 300 }),
  }),
  fc.record({ kind: fc.constant('reset' as const), at: fc.nat(60) }),
  fc.record({ kind: fc.constant('stall' as const), at: fc.nat(60), for: fc.integer({ min: 10, max: 300 }) }),
);

type MakeApp = (
  redis: Redis,
  locked: boolean,
) => {
  listener: RequestListener;
  open: (id: string, balance: number) => Promise<void>;
  locker: Locker;
};

const apps: [string, MakeApp][] = [
  [
    'Express',
    (redis, locked) => {
      const { app, accounts, locker } = createExpressApp({ redis, locked, workMs: 10 });
      return { listener: app, open: (id, b) => accounts.open(id, b), locker };
    },
  ],
  [
    'Koa',
    (redis, locked) => {
      const { app, accounts, locker } = createKoaApp({ redis, locked, workMs: 10 });
      const handle = app.callback();
      return { listener: (req, res) => void handle(req, res), open: (id, b) => accounts.open(id, b), locker };
    },
  ],
  [
    'Hono',
    (redis, locked) => {
      const { app, accounts, locker } = createHonoApp({ redis, locked, workMs: 10 });
      const handle = getRequestListener(app.fetch);
      return { listener: (req, res) => void handle(req, res), open: (id, b) => accounts.open(id, b), locker };
    },
  ],
];

describe('middleware under chaos (Express, Koa and Hono examples, real Redis behind a fault proxy)', function () {
  this.timeout(120_000);
  let server: RedisServer;
  let admin: Redis;
  // The middleware warns when a release fails under a fault (the lease then ends with its ttl): expected here.
  const warn = console.warn;
  const warnings: unknown[] = [];
  before(async () => {
    console.warn = (...args: unknown[]) => warnings.push(args);
    server = await RedisServer.start();
    admin = server.client({ commandTimeout: 2_000 });
  });
  after(async () => {
    console.warn = warn;
    await server?.stop();
  });

  // Each run has an account (and so a lock key) of its own, and nothing is flushed between runs: a run can never
  // see another's writes. When an unhandled rejection fails a test, mocha goes on to the next one while the failed
  // test's property keeps running in the background; with one shared account (and a FLUSHALL per run) its
  // deposits landed in the next framework's account, which then failed too, with a balance above every deposit.
  let runs = 0;

  /** One run: deposits in parallel while the faults fire; returns what was acknowledged and the final balance. */
  async function run(make: MakeApp, locked: boolean, amounts: number[], faults: Fault[]) {
    const account = `acct-${++runs}`;
    const state = noFaults();
    const proxy = await FaultProxy.start(server.port, state, { jitter: 0.5 });
    const redis = new Redis(testClientOptions('127.0.0.1', proxy.port));
    redis.on('error', () => {});
    const app = make(redis, locked);
    await app.open(account, 1_000);
    const http = createServer(app.listener);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', () => resolve()));
    const { port } = http.address() as AddressInfo;
    const timers = faults.map((f) => setTimeout(() => inject(f, state, proxy), f.at));
    try {
      const statuses = await Promise.all(
        amounts.map(async (amount) => {
          const response = await fetch(`http://127.0.0.1:${port}/accounts/${account}/deposit`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ amount }),
          });
          await response.arrayBuffer();
          return response.status;
        }),
      );
      if (faults.some((f) => f.kind === 'stall')) await waitResumed();
      const balance = Number(await admin.get(`example:account:${account}:balance`));
      return { statuses, balance };
    } finally {
      timers.forEach(clearTimeout);
      if (server.paused) server.resume();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await app.locker.close().catch(() => {});
      redis.disconnect();
      await proxy.close();
    }
  }

  let resumed: Promise<void> = Promise.resolve();
  const waitResumed = () => resumed;
  function inject(f: Fault, state: ConnectionFaults, proxy: FaultProxy): void {
    const now = Date.now();
    if (f.kind === 'latency') {
      state.latencyMs = f.ms;
      state.latencyUntil = now + f.for;
    } else if (f.kind === 'partition') {
      state.pausedUntil = Math.max(state.pausedUntil, now + f.for);
    } else if (f.kind === 'reset') {
      proxy.reset();
    } else if (!server.paused) {
      server.pause();
      resumed = new Promise((resolve) =>
        setTimeout(() => {
          if (server.paused) server.resume();
          resolve();
        }, f.for),
      );
    }
  }

  const scenario = fc.record({
    amounts: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 12 }),
    faults: fc.array(faultArb, { maxLength: 4 }),
  });

  for (const [name, make] of apps) {
    it(`${name}: no acknowledged deposit is lost under Redis-side faults`, async () => {
      const outcomes: number[] = []; // this app's own, so one app's 200s cannot stand in for the other's
      await fc.assert(
        fc.asyncProperty(scenario, async ({ amounts, faults }) => {
          const { statuses, balance } = await run(make, true, amounts, faults);
          const acked = amounts.filter((_, i) => statuses[i] === 200).reduce((a, b) => a + b, 0);
          const unknown = amounts.filter((_, i) => statuses[i] !== 200).reduce((a, b) => a + b, 0);
          expect(balance, `statuses ${statuses.join(',')}`).to.be.within(
            1_000 + acked,
            1_000 + acked + unknown,
          );
          outcomes.push(...statuses);
        }),
        { numRuns: 8, endOnFailure: true },
      );
      expect(outcomes, 'some deposits were acknowledged').to.include(200);
    });
  }

  it('the same property catches lost updates without the lock (Express)', async () => {
    const amounts = [1, 2, 3, 4, 5, 6, 7, 8];
    const { statuses, balance } = await run(apps[0]![1], false, amounts, [
      { kind: 'latency', at: 0, ms: 5, for: 200 },
    ]);
    const acked = amounts.filter((_, i) => statuses[i] === 200).reduce((a, b) => a + b, 0);
    expect(acked).to.equal(36);
    expect(balance, 'concurrent unlocked deposits overwrite each other').to.be.lessThan(1_000 + acked);
  });
});
