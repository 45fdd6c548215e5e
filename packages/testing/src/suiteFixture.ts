type Hook = (fn: () => Promise<void>) => void;

/**
 * Suite-level hook registrars, e.g. mocha's `before`/`after` or vitest's `beforeAll`/`afterAll`.
 *
 * @example
 * ```ts
 * import { beforeAll, afterAll } from 'vitest';
 * const hooks: SuiteHooks = { before: beforeAll, after: afterAll };
 * ```
 */
export interface SuiteHooks {
  before: Hook;
  after: Hook;
}

/**
 * The `hooks` option of the `use…` fixtures.
 *
 * @example
 * ```ts
 * const options: SuiteHooksOption = { hooks: { before: beforeAll, after: afterAll } };
 * ```
 */
export interface SuiteHooksOption {
  /**
   * Where to register the start/stop hooks. Default: the global mocha `before`/`after`, else the global
   * `beforeAll`/`afterAll` (jest, vitest with globals).
   */
  hooks?: SuiteHooks;
}

/** The global mocha `before`/`after`, else the global `beforeAll`/`afterAll` (jest, vitest with globals). */
function globalHooks(fixture: string): SuiteHooks {
  const g = globalThis as Partial<Record<'before' | 'after' | 'beforeAll' | 'afterAll', Hook>>;
  const before = g.before ?? g.beforeAll;
  const after = g.after ?? g.afterAll;
  if (before === undefined || after === undefined) {
    throw new Error(`${fixture}: no global before/after hooks found; pass options.hooks`);
  }
  return { before, after };
}

/**
 * Registers suite hooks that `start` one resource before the suite and `stop` it after; returns its getter,
 * which throws outside the suite. The one lifecycle of the `use…` fixtures.
 *
 * @param fixture - the fixture's name for errors, e.g. `'useRedisServer()'`.
 * @param hooks - where to register; default {@link globalHooks}.
 *
 * @example
 * ```ts
 * const server = suiteFixture('useRedisServer()', undefined, () => RedisServer.start(), (s) => s.stop());
 * it('pings', async () => expect(await server().client().ping()).to.equal('PONG'));
 * ```
 */
export function suiteFixture<T>(
  fixture: string,
  hooks: SuiteHooks | undefined,
  start: () => Promise<T>,
  stop: (value: T) => Promise<void>,
): () => T {
  const { before, after } = hooks ?? globalHooks(fixture);
  let current: { value: T } | undefined;
  before(async () => {
    current = { value: await start() };
  });
  after(async () => {
    const started = current;
    current = undefined;
    if (started) await stop(started.value);
  });
  return () => {
    if (current === undefined) throw new Error(`${fixture}: only available inside the suite`);
    return current.value;
  };
}
