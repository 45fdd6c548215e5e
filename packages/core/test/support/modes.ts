import { waitUntil } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import { createLocker, lockKeys, type Lock, type Locker } from '@deadbolt/core';
import type { Backend } from './backends.js';

/**
 * What a suite of the counted modes shares: an admin connection (per backend) and a fresh prefix per test, with the
 * helpers below bound to them.
 */
export interface SuiteState {
  admin: Redis;
  prefix: string;
  /** {@link holders} of `key` under this test's prefix. */
  holders(key: string): Promise<string[]>;
  /** {@link queued}: waits until `count` waiters are queued on `key` under this test's prefix. */
  queued(key: string, count: number): Promise<void>;
  /** {@link keyNames} under this test's prefix. */
  keyNames(): Promise<string[]>;
  /** {@link lockers} of this test's prefix. */
  lockers(count: number, options?: Parameters<typeof createLocker>[1]): ReturnType<typeof lockers>;
}

/** Registers the hooks that keep a {@link SuiteState} for the tests of one backend. */
export function suiteState(backend: () => Backend): SuiteState {
  const state: SuiteState = {
    admin: undefined as unknown as Redis,
    prefix: '',
    holders: (key) => holders(state.admin, state.prefix, key),
    queued: (key, count) => queued(state.admin, state.prefix, key, count),
    keyNames: () => keyNames(backend(), state.prefix),
    lockers: (count, options) => lockers(backend(), state.prefix, count, options),
  };
  before(function () {
    state.admin = backend().connect();
  });
  after(function () {
    state.admin.disconnect();
  });
  beforeEach(function () {
    state.prefix = backend().prefix();
  });
  return state;
}

/** Waits until `count` waiters are queued on `key` (the order they will be served in). */
export async function queued(admin: Redis, prefix: string, key: string, count: number): Promise<void> {
  await waitUntil(async () => (await admin.zcard(lockKeys(prefix, key).queue)) >= count, {
    description: `${count} waiters queued on ${key}`,
  });
}

/** The key names under `prefix`, without the prefix (`{k}`, `{k}:fence`, …), sorted. */
export async function keyNames(backend: Backend, prefix: string): Promise<string[]> {
  return (await backend.keys(prefix)).map((k) => k.key.slice(prefix.length + 1)).sort();
}

/** The tokens holding `key` in a counted mode, by the holders set. */
export async function holders(admin: Redis, prefix: string, key: string): Promise<string[]> {
  return admin.zrange(lockKeys(prefix, key).holders, 0, -1);
}

/** `count` lockers on fresh connections of `backend`, and a function that closes them all. */
export function lockers(
  backend: Backend,
  prefix: string,
  count: number,
  options: Parameters<typeof createLocker>[1] = {},
): { all: Locker[]; close: () => Promise<void> } {
  const all = Array.from({ length: count }, () => createLocker(backend.client(), { prefix, ...options }));
  return { all, close: async () => void (await Promise.all(all.map((locker) => locker.close()))) };
}

/**
 * Records the order in which acquires are granted: `track(name, acquiring)` notes `name` when its lock comes,
 * and resolves with the lock.
 */
export function grantOrder(): {
  order: string[];
  track: (name: string, acquiring: Promise<Lock>) => Promise<Lock>;
} {
  const order: string[] = [];
  return {
    order,
    track: (name, acquiring) =>
      acquiring.then((lock) => {
        order.push(name);
        return lock;
      }),
  };
}

/** Resolves once `signal` has aborted (at once if it already has). */
export function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Resolves after `count` renewals of the locker's locks; rejects at once if one of its locks is lost first. */
export function renewals(locker: Locker, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onExtended = (): void => {
      seen += 1;
      if (seen < count) return;
      locker.off('extended', onExtended);
      locker.off('lost', onLost);
      resolve();
    };
    const onLost = (info: { error: Error }): void => {
      locker.off('extended', onExtended);
      locker.off('lost', onLost);
      reject(new Error(`a lock was lost before it was renewed: ${info.error.message}`));
    };
    locker.on('extended', onExtended);
    locker.on('lost', onLost);
  });
}

/** Collects every message published on channels matching `pattern`. */
export async function listen(
  connection: Redis,
  pattern: string,
): Promise<{ messages: string[]; close: () => void }> {
  const messages: string[] = [];
  connection.on('pmessage', (_pattern: string, _channel: string, message: string) => messages.push(message));
  await connection.psubscribe(pattern);
  return { messages, close: () => connection.disconnect() };
}
