// A chaos client in a child process of its own (the real backend's `processes: 'child'`): it builds its lock from a
// ChildLockSpec, connects through the proxies the parent started for it, and runs the lock operations the parent
// asks for over IPC. The parent SIGSTOPs it to pause it: its timers, renewals and event loop really stop.
import { performance } from 'node:perf_hooks';
import type { Cluster, Redis } from 'ioredis';
import type { ChildLockSpec } from '../../adapter/ChildLockSpec.js';
import type { LockAdapter, LockClient, LockHandle } from '../../adapter/LockAdapter.js';
import { deadboltAdapter } from '../../adapter/deadboltAdapter.js';
import { simpleLockAdapter } from '../../fixtures/index.js';
import type { ClockState } from '../../world/ClientClock.js';
import { seededRandom } from '../../world/random.js';
import { connectLibrary, libraryContext, type LibraryConnection } from '../clientLibraries.js';
import { collectClients, connectThrough, ready } from '../connectThrough.js';
import { errorInfo, type ChildInit, type FromChild, type Operation, type ToChild } from './protocol.js';

/** How often the child reports a moved deadline (a renewal), in ms. */
const DEADLINE_EVERY_MS = 5;

process.on('disconnect', () => process.exit(0)); // the parent is gone: no orphan

const send = (message: FromChild): void => {
  if (process.connected) process.send?.(message);
};

function adapterOf(spec: ChildLockSpec): LockAdapter {
  return spec.kind === 'deadbolt' ? deadboltAdapter(spec.options) : simpleLockAdapter(spec.name, spec.flaws);
}

let origin = 0;
let clock: ClockState = { anchorRef: 0, anchorLocal: 0, rate: 1 };
const reference = (): number => performance.timeOrigin + performance.now() - origin;
const now = (): number => clock.anchorLocal + (reference() - clock.anchorRef) * clock.rate;

let lock: LockClient | undefined;
const clients: (Redis | Cluster)[] = [];
let library: LibraryConnection | undefined;
const handles = new Map<number, { readonly handle: LockHandle; deadline: number | undefined }>();
let nextHandle = 0;

const deadlineOf = (h: LockHandle): number | undefined => {
  const left = h.remaining?.();
  return left === undefined ? undefined : now() + left;
};

async function init(message: ChildInit): Promise<void> {
  origin = message.origin;
  clock = message.clock;
  const { target, redis } = connectThrough(message.proxies, collectClients(clients));
  await Promise.all(clients.map((c) => ready(c)));
  const { client = 'ioredis' } = message.proxies;
  if (client !== 'ioredis') {
    library = await connectLibrary(client, message.proxies);
    await library.ready();
  }
  const random = seededRandom(message.seed);
  const context = { redis, target, now, random, id: message.id, ...libraryContext(message.proxies, library) };
  lock = adapterOf(message.lock).connect(context);
  setInterval(() => {
    for (const [id, entry] of handles) {
      if (entry.handle.signal?.aborted === true || (entry.handle.remaining?.() ?? 0) <= 0) continue;
      const deadline = deadlineOf(entry.handle);
      if (deadline === undefined || Math.abs(deadline - (entry.deadline ?? 0)) < 1) continue;
      entry.deadline = deadline;
      send({ type: 'deadline', handle: id, deadline });
    }
  }, DEADLINE_EVERY_MS);
  send({ type: 'ready' });
}

async function operate(message: Operation): Promise<FromChild> {
  const { op } = message;
  if (!lock) throw new Error('client process: not started');
  if (message.type === 'close') {
    await lock.close();
    for (const c of clients) c.disconnect();
    library?.close();
    return { type: 'reply', op, ok: true };
  }
  if (message.type === 'acquire') {
    const { ttl, wait, limit, shared } = message;
    const options = {
      ttl,
      wait,
      ...(limit === undefined ? {} : { limit }),
      ...(shared === undefined ? {} : { shared }),
    };
    const { key } = message;
    const handle = await (typeof key === 'string'
      ? lock.acquire(key, options)
      : (lock.acquireAll?.(key, options) ?? Promise.reject(new Error('the lock cannot lock several keys'))));
    if (!handle) return { type: 'reply', op, ok: true };
    const id = (nextHandle += 1);
    const deadline = deadlineOf(handle);
    handles.set(id, { handle, deadline });
    handle.signal?.addEventListener('abort', () => {
      handles.delete(id);
      send({ type: 'abort', handle: id, reason: errorInfo(handle.signal?.reason) });
    });
    const { token, fence } = handle;
    const info = { handle: id, token, signal: handle.signal !== undefined };
    return {
      type: 'reply',
      op,
      ok: true,
      handle: {
        ...info,
        ...(fence === undefined ? {} : { fence }),
        ...(deadline === undefined ? {} : { deadline }),
      },
    };
  }
  const entry = handles.get(message.handle);
  if (!entry) throw Object.assign(new Error('lock lost'), { code: 'ERR_LOCK_LOST' });
  if (message.type === 'release') {
    handles.delete(message.handle);
    await entry.handle.release();
  } else {
    await entry.handle.extend();
  }
  return { type: 'reply', op, ok: true };
}

process.on('message', (message: ToChild) => {
  if (message.type === 'init') {
    init(message).catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  } else if (message.type === 'clock') {
    clock = message.clock;
  } else {
    operate(message).then(send, (error: unknown) =>
      send({ type: 'reply', op: message.op, ok: false, error: errorInfo(error) }),
    );
  }
});
