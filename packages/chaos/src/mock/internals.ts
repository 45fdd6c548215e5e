/**
 * The one seam where the virtual-time backend reaches into internals that ioredis-mock, @sinonjs/fake-timers and
 * Node's global timers do not type: each accessor names what it relies on, so an upgrade that moves one breaks here,
 * in one file, instead of in a cast somewhere else.
 */
import { createRequire } from 'node:module';
import type FakeTimers from '@sinonjs/fake-timers';
import type { Redis } from 'ioredis';

/** A fake-timers clock installed on the global timers. */
export type InstalledClock = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['install']>;

/** A timer function as `setTimeout` and `setInterval` are called. */
export type TimerFn = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => unknown;

/** The two global timer functions the backend wraps (its own virtual processes' timers). */
export type GlobalTimers = Record<'setTimeout' | 'setInterval', TimerFn>;

/**
 * `globalThis` seen as its two timer functions, which the backend reads and replaces.
 *
 * @example
 * ```ts
 * const timers = globalTimers(); const original = timers.setTimeout
 * ```
 */
export function globalTimers(): GlobalTimers {
  return globalThis;
}

/** The tables of an ioredis-mock store read synchronously: keys and their values, and expiry times (ms). */
export interface MockStoreTables {
  readonly data: { get(key: string): unknown; keys(): string[] };
  readonly expires: { has(key: string): boolean; get(key: string): number };
}

/** ioredis-mock's shared store behind every instance made with the same data (its `data`, `expires`, emitters). */
interface MockStoreInternals {
  readonly data: { clear(): void };
  readonly expires: { clear(): void };
  readonly context: { readonly modifiedKeyEvents: { setMaxListeners(n: number): void } };
  readonly channels: { removeAllListeners(): void };
}

/**
 * Empties an ioredis-mock store (keys and their expiries) and lets any number of clients listen for its key changes
 * (each client and its subscriber do: more than Node's default 10 listeners is expected).
 *
 * @example
 * ```ts
 * resetMockStore(new RedisMock())
 * ```
 */
export function resetMockStore(root: Redis): void {
  const store = root as unknown as MockStoreInternals;
  store.data.clear();
  store.context.modifiedKeyEvents.setMaxListeners(0);
  store.expires.clear();
}

/**
 * Removes every pub/sub listener of an ioredis-mock store, so the subscribers of one run do not linger on the
 * store's shared channel emitters.
 *
 * @example
 * ```ts
 * root.disconnect(); dropMockSubscribers(root)
 * ```
 */
export function dropMockSubscribers(root: Redis): void {
  (root as unknown as MockStoreInternals).channels.removeAllListeners();
}

/**
 * One of ioredis-mock's command methods by its lower-case name (`eval`, `set`…), or `undefined` if it has none.
 *
 * @example
 * ```ts
 * const reply = mockCommand(mock, 'get')?.apply(mock, ['k'])
 * ```
 */
export function mockCommand(
  mock: Redis,
  name: string,
): ((...args: unknown[]) => Promise<unknown>) | undefined {
  return (mock as unknown as Record<string, ((...args: unknown[]) => Promise<unknown>) | undefined>)[name];
}

/**
 * The pending timers of a fake-timers clock (its untyped `timers` map: id → the fake time it fires at).
 *
 * @example
 * ```ts
 * const next = Math.min(...[...(pendingFakeTimers(clock)?.values() ?? [])].map((t) => t.callAt))
 * ```
 */
export function pendingFakeTimers(clock: InstalledClock): Map<number, { callAt: number }> | undefined {
  return (clock as unknown as { timers?: Map<number, { callAt: number }> }).timers;
}

/**
 * The store tables of an ioredis-mock instance, read without sending a command (so a read cannot delay or reorder
 * what the harness judges).
 *
 * @example
 * ```ts
 * const keys = mockStoreTables(root).data.keys()
 * ```
 */
export function mockStoreTables(root: Redis): MockStoreTables {
  return root as unknown as MockStoreTables;
}

/** A Lua state of fengari (the Lua VM ioredis-mock runs scripts in), opaque here. */
export type LuaState = object;

/**
 * The parts of fengari (the Lua VM ioredis-mock runs scripts in) and fengari-interop the mock backend uses. The
 * writable ones are those ioredis-mock looks up at each call (`luaL_newstate`, `luaL_openlibs`, `luaopen_js`,
 * `luaL_dostring`, `lua_close`), which the backend replaces while a run goes on (see `installFastMockLua`).
 */
export interface MockLua {
  readonly lauxlib: {
    luaL_newstate: () => LuaState;
    luaL_dostring: (L: LuaState, source: Uint8Array) => number;
    readonly luaL_loadstring: (L: LuaState, source: Uint8Array) => number;
    readonly luaL_loadbufferx: (
      L: LuaState,
      chunk: Uint8Array,
      size: number,
      name: Uint8Array,
      mode: string,
    ) => number;
    readonly luaL_ref: (L: LuaState, table: number) => number;
  };
  readonly lualib: { luaL_openlibs: (L: LuaState) => void };
  readonly interop: { luaopen_js: (L: LuaState) => number };
  readonly lua: {
    readonly LUA_OK: number;
    readonly LUA_MULTRET: number;
    readonly LUA_REGISTRYINDEX: number;
    lua_close: (L: LuaState) => void;
    readonly lua_pcall: (L: LuaState, nargs: number, nresults: number, handler: number) => number;
    readonly lua_dump: (
      L: LuaState,
      writer: (L: LuaState, bytes: Uint8Array, size: number) => number,
      data: null,
      strip: number,
    ) => number;
    readonly lua_settop: (L: LuaState, top: number) => void;
    readonly lua_pop: (L: LuaState, n: number) => void;
    readonly lua_rawgeti: (L: LuaState, table: number, n: number) => number;
    readonly lua_tointeger: (L: LuaState, index: number) => number;
    readonly lua_toboolean: (L: LuaState, index: number) => boolean;
    readonly lua_pushglobaltable: (L: LuaState) => void;
    readonly lua_pushinteger: (L: LuaState, n: number) => void;
    readonly lua_pushboolean: (L: LuaState, b: boolean) => void;
    readonly lua_createtable: (L: LuaState, narr: number, nrec: number) => void;
    readonly lua_setfield: (L: LuaState, index: number, name: Uint8Array) => void;
  };
  readonly to_luastring: (s: string) => Uint8Array;
}

/**
 * fengari and fengari-interop as ioredis-mock itself loads them (resolved from ioredis-mock's own folder, so the
 * same instances).
 *
 * @example
 * ```ts
 * const { lauxlib, lua } = mockLua()
 * ```
 */
export function mockLua(): MockLua {
  const require = createRequire(import.meta.url);
  const fromMock = createRequire(require.resolve('ioredis-mock'));
  const fengari = fromMock('fengari') as Omit<MockLua, 'interop'>;
  return {
    lauxlib: fengari.lauxlib,
    lualib: fengari.lualib,
    lua: fengari.lua,
    to_luastring: fengari.to_luastring,
    interop: fromMock('fengari-interop') as MockLua['interop'],
  };
}
