import { createLocker, type Locker } from '@deadbolt/core';
import { useRedisServer } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import type { AppSpec, Harness } from './Harness.js';

/**
 * Where the suite's locks live: a real `redis-server` the suite starts (default), or ioredis-mock (the
 * in-memory Redis, loaded only then; every connection of a suite shares its data).
 */
export type SuiteBackend = 'redis' | 'mock';

let mockPort = 18_000;

/** The backend's connections: each call opens a new one to the same data. */
function useBackend(backend: SuiteBackend): () => Redis {
  if (backend === 'redis') {
    const redis = useRedisServer();
    return () => redis.server.client();
  }
  const port = mockPort++;
  let Mock: (new (options: { host: string; port: number }) => Redis) | undefined;
  before(async () => {
    Mock = (await import('ioredis-mock')).default;
  });
  return () => {
    if (Mock === undefined) throw new Error("ioredis-mock is loaded in the suite's before hook");
    return new Mock({ host: 'conformance', port });
  };
}

/** What every case of the shared suite gets: a fresh Redis dataset, a locker, released-event counts. */
export interface SuiteContext {
  readonly harness: Harness;
  /** The test's client (the locker uses it too). */
  readonly client: Redis;
  readonly locker: Locker;
  /** `released` events so far, per user key. */
  released(key: string): number;
  /** Serves an app with the test's locker (unless the spec brings its own); closed after the test. */
  serve(spec: Omit<AppSpec, 'locker'> & { readonly locker?: Locker }): Promise<string>;
}

/** Registers the hooks and returns a getter for the current test's {@link SuiteContext}. */
export function useSuiteContext(harness: Harness, backend: SuiteBackend = 'redis'): () => SuiteContext {
  const connect = useBackend(backend);
  let current: SuiteContext | undefined;
  let closers: (() => Promise<void>)[] = [];
  const lockers: Locker[] = [];

  beforeEach(async () => {
    const client = connect();
    await client.flushall();
    const locker = createLocker(client);
    lockers.push(locker);
    const released = new Map<string, number>();
    locker.on('released', ({ key }) => released.set(key, (released.get(key) ?? 0) + 1));
    current = {
      harness,
      client,
      locker,
      released: (key) => released.get(key) ?? 0,
      serve: async (spec) => {
        const app = await harness.serve({ locker, ...spec });
        closers.push(() => app.close());
        return app.url;
      },
    };
  });

  afterEach(async () => {
    await Promise.all(closers.map((close) => close()));
    closers = [];
    await Promise.all(lockers.splice(0).map((locker) => locker.close()));
    current?.client.disconnect();
    current = undefined;
  });

  return () => {
    if (current === undefined) throw new Error('The suite context exists only inside a test');
    return current;
  };
}
