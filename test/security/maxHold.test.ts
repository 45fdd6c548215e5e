// Threat: a client (or a stuck handler) that holds a resource's lock forever. While a request runs, its lease
// is renewed, so without a bound every other request for that resource waits or is refused for as long as the
// first one is kept open. `maxHold` bounds it: then the lock is released, its signal aborts, and the request
// that held it gets 503 instead of a success that was no longer protected.
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocker, type Locker } from '@deadbolt/core';
import type { RequestLock } from '@deadbolt/http';
import { lockRequests as expressLockRequests } from '@deadbolt/express';
import { lockRequests as koaLockRequests, type LockState } from '@deadbolt/koa';
import { deadbolt, lockRequests as fastifyLockRequests } from '@deadbolt/fastify';
import { lockRequests as honoLockRequests } from '@deadbolt/hono';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import express from 'express';
import Koa from 'koa';
import Fastify from 'fastify';
import { eachBackend } from '../../packages/core/test/support/backends.js';

/** The public shape of a request's lock (`req.lock` in Express, `ctx.state.lock` in Koa, `request.lock` in Fastify). */
type HeldLock = Pick<
  RequestLock,
  'key' | 'keys' | 'token' | 'fence' | 'signal' | 'deadline' | 'held' | 'remaining' | 'extend'
>;

// Long enough that a renewal delayed by a loaded machine's event loop (hundreds of ms) does not lose the lease:
// the waiter's WAIT still spans several renewal periods (every ttl / 3), and an unrenewed lease would end inside it.
const TTL = 1_000;
const WAIT = 1.5 * TTL;

/** A handler that never answers on its own: it waits for `finish`, which only the test calls. */
interface StuckHandler {
  /** Resolves with the lock the stuck request holds, once its handler runs. */
  readonly entered: Promise<HeldLock | undefined>;
  /** Lets the stuck handler complete. */
  finish(): void;
}

function stuckHandler(): StuckHandler & { enter(lock: HeldLock | undefined): Promise<void> } {
  let entered!: (lock: HeldLock | undefined) => void;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    entered: new Promise((resolve) => (entered = resolve)),
    finish: () => finish(),
    enter: (lock) => {
      entered(lock);
      return done;
    },
  };
}

type App = (stuck: ReturnType<typeof stuckHandler>, maxHold: number | undefined) => Server;

const frameworks: Record<string, (locker: Locker) => App> = {
  express: (locker) => (stuck, maxHold) => {
    const app = express();
    const options = {
      locker,
      key: (req: express.Request) => `item:${String(req.params['id'])}`,
      wait: WAIT,
    };
    app.get(
      '/items/:id',
      expressLockRequests({ ...options, ...(maxHold === undefined ? {} : { maxHold }) }),
      (req, res) => {
        if (req.query['stuck'] === undefined) res.json({ fence: req.lock?.fence });
        else void stuck.enter(req.lock).then(() => res.headersSent || res.json({ late: true }));
      },
    );
    return createServer(app);
  },
  koa: (locker) => (stuck, maxHold) => {
    const app = new Koa<LockState>();
    const options = { locker, key: (ctx: Koa.Context) => `item:${ctx.path}`, wait: WAIT };
    app.use(koaLockRequests({ ...options, ...(maxHold === undefined ? {} : { maxHold }) }));
    app.use(async (ctx) => {
      const { lock } = ctx.state;
      if (ctx.query['stuck'] !== undefined) await stuck.enter(lock);
      ctx.body = { fence: lock?.fence };
    });
    const handle = app.callback();
    return createServer((req, res) => void handle(req, res));
  },
  fastify: (locker) => (stuck, maxHold) => {
    const app = Fastify();
    void app.register(deadbolt);
    const options = { locker, wait: WAIT, ...(maxHold === undefined ? {} : { maxHold }) };
    app.get<{ Params: { id: string }; Querystring: { stuck?: string } }>(
      '/items/:id',
      { preHandler: fastifyLockRequests({ ...options, key: (request) => `item:${request.params.id}` }) },
      async (request) => {
        if (request.query.stuck !== undefined) await stuck.enter(request.lock);
        return { fence: request.lock?.fence };
      },
    );
    const ready = app.ready();
    return createServer((req, res) => void ready.then(() => app.routing(req, res)));
  },
  hono: (locker) => (stuck, maxHold) => {
    const app = new Hono();
    const options = { locker, key: (c: { req: { path: string } }) => `item:${c.req.path}`, wait: WAIT };
    app.get(
      '/items/:id',
      honoLockRequests({ ...options, ...(maxHold === undefined ? {} : { maxHold }) }),
      async (c) => {
        const lock = c.get('lock');
        if (c.req.query('stuck') !== undefined) await stuck.enter(lock);
        return c.json({ fence: lock?.fence });
      },
    );
    const handle = getRequestListener(app.fetch);
    return createServer((req, res) => void handle(req, res));
  },
};

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('security: a request cannot hold a lock forever (maxHold)', function () {
  eachBackend((backend) => {
    for (const [name, framework] of Object.entries(frameworks)) {
      describe(name, function () {
        let locker: Locker;
        let server: Server | undefined;
        let stuck: ReturnType<typeof stuckHandler>;
        beforeEach(function () {
          locker = createLocker(backend().connect(), { prefix: backend().prefix(), ttl: TTL });
          stuck = stuckHandler();
        });
        afterEach(async function () {
          stuck.finish();
          server?.closeAllConnections();
          server?.close();
          await locker.close();
        });

        it('without maxHold, a stuck request keeps the resource through many renewals', async function () {
          server = framework(locker)(stuck, undefined);
          const url = await listen(server);
          const first = fetch(`${url}/items/1?stuck=1`);
          await stuck.entered;
          // Waits 1.5 × ttl in the queue: the stuck request's lease is renewed all along, so this one is refused.
          const second = await fetch(`${url}/items/1`);
          expect(second.status).to.equal(409);
          stuck.finish();
          expect((await first).status).to.equal(200);
        });

        it('with maxHold, the lock is released, its signal aborts, the next request gets it, the holder 503', async function () {
          server = framework(locker)(stuck, TTL);
          const url = await listen(server);
          const first = fetch(`${url}/items/1?stuck=1`);
          const held = await stuck.entered;
          expect(held?.signal.aborted).to.equal(false);
          const second = await fetch(`${url}/items/1`);
          expect(second.status).to.equal(200);
          expect(held?.signal.aborted).to.equal(true);
          expect(held?.signal.reason).to.have.property('code', 'ERR_LOCK_LOST');
          const { fence } = (await second.json()) as { fence: number };
          expect(fence).to.be.greaterThan(held?.fence ?? Infinity);
          stuck.finish();
          const answer = await first;
          expect(answer.status).to.equal(503);
          expect(await answer.json()).to.have.property('code', 'ERR_LOCK_LOST');
        });
      });
    }
  });
});
