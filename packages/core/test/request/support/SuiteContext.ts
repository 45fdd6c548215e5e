import { createLocker, type Locker } from '@deadbolt/core';
import { useRedisServer, type RedisServer } from '@deadbolt/testing';
import type { Redis } from 'ioredis';
import type { AppSpec, Harness } from './Harness.js';

/** What every case of the shared suite gets: a fresh Redis dataset, a locker, released-event counts. */
export interface SuiteContext {
  readonly harness: Harness;
  readonly server: RedisServer;
  /** The test's client (the locker uses it too). */
  readonly client: Redis;
  readonly locker: Locker;
  /** `released` events so far, per user key. */
  released(key: string): number;
  /** Serves an app with the test's locker (unless the spec brings its own); closed after the test. */
  serve(spec: Omit<AppSpec, 'locker'> & { readonly locker?: Locker }): Promise<string>;
}

/** Registers the hooks and returns a getter for the current test's {@link SuiteContext}. */
export function useSuiteContext(harness: Harness): () => SuiteContext {
  const redis = useRedisServer();
  let current: SuiteContext | undefined;
  let closers: (() => Promise<void>)[] = [];
  const lockers: Locker[] = [];

  beforeEach(async () => {
    const client = redis.server.client();
    await client.flushall();
    const locker = createLocker(client);
    lockers.push(locker);
    const released = new Map<string, number>();
    locker.on('released', ({ key }) => released.set(key, (released.get(key) ?? 0) + 1));
    current = {
      harness,
      server: redis.server,
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
