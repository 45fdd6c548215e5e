/**
 * What `lockRequests` does per request beyond the locker's acquire and release, without Redis, a socket or a
 * web framework: each adapter's middleware is called on stand-in requests and responses (an `EventEmitter` as
 * the Node response) over a stand-in locker whose `acquire` resolves a ready lock at once; a baseline hook calls
 * the same `acquire` and `release` (releasing on the response's `close`, or after the handlers for Koa and
 * Hono) and nothing else. Requests run in batches of {@link BATCH} at once, as under the bench's 32 connections;
 * the two variants alternate, and the report is, per adapter, the median CPU µs and bytes per request of the
 * middleware minus the baseline. CPU time moves with the machine's load, but both variants share it within a
 * round; bytes hardly move at all.
 *
 * @example
 * ```sh
 * cd bench && nice -n 19 node --expose-gc --import=tsx src/middleware/sessionCost.ts --rounds 15
 * ```
 */
import { EventEmitter } from 'node:events';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { lockRequests as lockExpress } from '@deadbolt/express';
import { lockRequests as lockFastify } from '@deadbolt/fastify';
import { lockRequests as lockHono } from '@deadbolt/hono';
import { lockRequests as lockKoa } from '@deadbolt/koa';
import type { Locker } from '@deadbolt/core';
import { median } from '../results.js';

/** Requests in flight at once. */
const BATCH = 32;

/** A granted lock that costs nothing: release resolves at once. */
const LOCK = {
  key: 'item:1',
  keys: ['item:1'],
  token: 't',
  fence: 1,
  deadline: Number.MAX_SAFE_INTEGER,
  held: true,
  remaining: () => 1_000,
  extend: () => Promise.resolve(),
  release: () => Promise.resolve(),
  onLoss: (_listener: unknown) => undefined,
};
/** A locker (branded as core's, so `lockRequests` accepts it) whose acquire grants {@link LOCK} at once. */
const locker = Object.assign(
  Object.create(Object.defineProperty({}, Symbol.for('@deadbolt/core.brand'), { value: 'Locker' })) as object,
  { acquire: (_key: unknown, _options: unknown) => Promise.resolve(LOCK) },
) as unknown as Locker;

const ignore = (): void => {};
type Serve = (id: number) => Promise<void>;

/** A Node response as far as the middleware reads it. */
function response(): EventEmitter & { writableFinished: boolean; headersSent: boolean } {
  return Object.assign(new EventEmitter(), { writableFinished: false, headersSent: false });
}

function express(): Record<'base' | 'mw', Serve> {
  const mw = lockExpress({ locker, key: (req) => `item:${String(req.params['id'])}` });
  const base = (req: { params: { id: string } }, res: EventEmitter, next: (e?: unknown) => void): void => {
    locker.acquire(`item:${req.params.id}`, undefined).then((lock) => {
      res.on('close', () => void lock.release().catch(ignore));
      next();
    }, next);
  };
  const serve =
    (hook: (req: never, res: never, next: (e?: unknown) => void) => void): Serve =>
    (id) =>
      new Promise((resolve) => {
        const res = response();
        const req = { params: { id: String(id) }, method: 'GET', originalUrl: '/', lock: undefined };
        hook(req as never, res as never, () => {
          res.emit('close');
          resolve();
        });
      });
  return { base: serve(base), mw: serve(mw as never) };
}

function fastify(): Record<'base' | 'mw', Serve> {
  const mw = lockFastify<{ Params: { id: string } }>({
    locker,
    key: (request) => `item:${request.params.id}`,
  });
  const base = (
    request: { params: { id: string } },
    reply: { raw: EventEmitter },
    done: (e?: unknown) => void,
  ) => {
    locker.acquire(`item:${request.params.id}`, undefined).then(
      (lock) => {
        reply.raw.on('close', () => void lock.release().catch(ignore));
        done();
      },
      (error: unknown) => done(error),
    );
  };
  const serve =
    (hook: (request: never, reply: never, done: (e?: unknown) => void) => void): Serve =>
    (id) =>
      new Promise((resolve) => {
        const raw = response();
        const request = { params: { id: String(id) }, method: 'GET', url: '/', lock: undefined };
        hook(request as never, { raw } as never, () => {
          raw.emit('close');
          resolve();
        });
      });
  return { base: serve(base), mw: serve(mw) };
}

function koa(): Record<'base' | 'mw', Serve> {
  const mw = lockKoa({ locker, key: (ctx) => `item:${String(ctx.params['id'])}` });
  const base = async (ctx: { params: { id: string } }, next: () => Promise<void>): Promise<void> => {
    const lock = await locker.acquire(`item:${ctx.params.id}`, undefined);
    try {
      await next();
    } finally {
      lock.release().catch(ignore);
    }
  };
  const serve =
    (middleware: (ctx: never, next: () => Promise<void>) => Promise<void>): Serve =>
    async (id) => {
      const res = response();
      const ctx = { params: { id: String(id) }, res, state: {}, headerSent: false };
      await middleware(ctx as never, () => Promise.resolve());
      res.emit('close');
    };
  return { base: serve(base), mw: serve(mw as never) };
}

function hono(): Record<'base' | 'mw', Serve> {
  const mw = lockHono({ locker, key: (c) => `item:${c.req.param('id') ?? ''}` });
  const base = async (c: { req: { param(name: string): string } }, next: () => Promise<void>) => {
    const lock = await locker.acquire(`item:${c.req.param('id')}`, undefined);
    try {
      await next();
    } finally {
      lock.release().catch(ignore);
    }
    return undefined;
  };
  const serve =
    (middleware: (c: never, next: () => Promise<void>) => Promise<unknown>): Serve =>
    async (id) => {
      const outgoing = response();
      const vars = new Map<string, unknown>();
      const param = String(id);
      const c = {
        env: { outgoing },
        req: { param: (name?: string) => (name === undefined ? { id: param } : param) },
        set: (name: string, value: unknown) => vars.set(name, value),
        get: (name: string) => vars.get(name),
      };
      await middleware(c as never, () => Promise.resolve());
      outgoing.emit('close');
    };
  return { base: serve(base), mw: serve(mw) };
}

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '11' },
    adapter: { type: 'string', multiple: true, default: [] },
    /** Print the middleware's sampled bytes per request by allocating function instead. */
    profile: { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);

/** Runs `requests` requests through `serve`, {@link BATCH} at once; resolves CPU µs and bytes per request. */
async function measure(serve: Serve): Promise<{ cpu: number; bytes: number }> {
  globalThis.gc?.();
  const profiler = new v8.GCProfiler();
  const heapBefore = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const cpuBefore = process.cpuUsage();
  for (let done = 0; done < requests; done += BATCH) {
    const batch: Promise<void>[] = [];
    for (let i = 0; i < BATCH; i++) batch.push(serve(done + i));
    await Promise.all(batch);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const heapAfter = v8.getHeapStatistics().used_heap_size;
  let freed = 0;
  for (const entry of profiler.stop()?.statistics ?? []) {
    freed += entry.beforeGC.heapStatistics.usedHeapSize - entry.afterGC.heapStatistics.usedHeapSize;
  }
  return { cpu: (cpu.user + cpu.system) / requests, bytes: (heapAfter - heapBefore + freed) / requests };
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** The middleware's bytes per request by allocating function, from V8's sampling heap profiler. */
async function profile(serve: Serve): Promise<void> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 128,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  await measure(serve);
  const { profile: heap } = (await session.post('HeapProfiler.stopSampling')) as unknown as {
    profile: { head: HeapNode };
  };
  session.disconnect();
  const bytes = new Map<string, number>();
  const visit = (node: HeapNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anon)'} ${url.replace(/^.*\/(packages|node_modules)\//, '')}:${lineNumber + 1}`;
    if (node.selfSize > 0) bytes.set(name, (bytes.get(name) ?? 0) + node.selfSize);
    node.children.forEach(visit);
  };
  visit(heap.head);
  for (const [name, size] of [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${(size / requests).toFixed(0).padStart(6)} B  ${name}`);
  }
}

const ADAPTERS = { express, koa, fastify, hono } as const;
const chosen = values.adapter?.length ? values.adapter : Object.keys(ADAPTERS);
for (const name of chosen) {
  const variants = ADAPTERS[name as keyof typeof ADAPTERS]();
  if (values.profile) {
    await measure(variants.mw);
    console.log(`${name}: bytes per request by function`);
    await profile(variants.mw);
    continue;
  }
  for (let i = 0; i < 3; i++) {
    await measure(variants.base);
    await measure(variants.mw);
  }
  const cpu: number[] = [];
  const bytes: number[] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? (['base', 'mw'] as const) : (['mw', 'base'] as const);
    const got: Record<string, { cpu: number; bytes: number }> = {};
    for (const variant of order) got[variant] = await measure(variants[variant]);
    cpu.push((got['mw']?.cpu ?? 0) - (got['base']?.cpu ?? 0));
    bytes.push((got['mw']?.bytes ?? 0) - (got['base']?.bytes ?? 0));
  }
  console.log(
    `${name.padEnd(8)} beyond acquire+release: ${median(cpu).toFixed(2)} µs/req [${cpu.map((c) => c.toFixed(1)).join(' ')}]  ${Math.round(median(bytes))} bytes/req`,
  );
}
