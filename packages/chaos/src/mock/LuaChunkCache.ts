import { mockLua, type LuaState, type MockLua } from './internals.js';

type DoString = MockLua['lauxlib']['luaL_dostring'];

/** Compiled chunks by source text (latin1 of its bytes): the scripts of a lock are few, and the same every run. */
const compiled = new Map<string, Uint8Array>();

/** How many chunks the cache keeps at most (a lock that builds scripts on the fly must not grow it forever). */
const MAX_CHUNKS = 256;

/**
 * Compiles each Lua chunk that ioredis-mock runs once per process instead of once per call. ioredis-mock runs every
 * `EVAL`/`EVALSHA` in a fresh Lua state (fengari) and parses both its `redis` helper chunk and the script again each
 * time; parsing is most of the mock backend's CPU time (a profile of `--runs 100`: fengari's lexer, parser and code
 * generator, and the garbage they leave). With the cache, a chunk seen before is loaded from its bytecode
 * (`lua_dump` without stripping: same source name, line numbers and error messages) into the new state, and runs
 * exactly as if parsed: what the scripts do, their replies and errors are unchanged, so schedules and recorded seeds
 * replay as before (`test/regressions`, `test/blindSpots.test.ts`). A chunk that fails to compile is not cached:
 * its error comes from the parser, as before.
 *
 * Installed while a run's world exists (the fake clock's lifetime); {@link LuaChunkCache.install} returns the
 * uninstall function and nests (only the outermost uninstall restores the original).
 *
 * @example
 * ```ts
 * const uninstall = LuaChunkCache.install()
 * try { await drive(world) } finally { uninstall() }
 * ```
 */
export class LuaChunkCache {
  static #installs = 0;
  static #original: DoString | undefined;

  /** Replaces fengari's `luaL_dostring` (what ioredis-mock runs every chunk with) by the caching one. */
  static install(): () => void {
    const fengari = mockLua();
    const aux = fengari.lauxlib;
    if (LuaChunkCache.#installs === 0) {
      const original = aux.luaL_dostring;
      LuaChunkCache.#original = original;
      aux.luaL_dostring = (L, source) => cachedDoString(fengari, original, L, source);
    }
    LuaChunkCache.#installs += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      LuaChunkCache.#installs -= 1;
      if (LuaChunkCache.#installs === 0 && LuaChunkCache.#original)
        aux.luaL_dostring = LuaChunkCache.#original;
    };
  }
}

/** `luaL_dostring` (load the chunk, then call it with every result kept) with the load served from the cache. */
function cachedDoString(
  { lauxlib, lua }: MockLua,
  original: DoString,
  L: LuaState,
  source: Uint8Array,
): number {
  const key = Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('latin1');
  let chunk = compiled.get(key);
  if (chunk === undefined) {
    if (compiled.size >= MAX_CHUNKS) return original(L, source);
    const status = lauxlib.luaL_loadstring(L, source);
    if (status !== lua.LUA_OK) return status;
    chunk = dump(lua, L);
    compiled.set(key, chunk);
  } else {
    // The chunk name is the source, as `luaL_loadstring` names it; the bytecode keeps the source name it had.
    const status = lauxlib.luaL_loadbufferx(L, chunk, chunk.length, source, 'b');
    if (status !== lua.LUA_OK) return status;
  }
  return lua.lua_pcall(L, 0, lua.LUA_MULTRET, 0);
}

/** The bytecode of the function on top of the stack (left there), debug information kept. */
function dump(lua: MockLua['lua'], L: LuaState): Uint8Array {
  const parts: Uint8Array[] = [];
  lua.lua_dump(
    L,
    (_L, bytes, size) => {
      parts.push(bytes.slice(0, size));
      return 0;
    },
    null,
    0,
  );
  return Buffer.concat(parts);
}
