import type { LuaState, MockLua } from './internals.js';

/** Compiled chunks by source text (latin1 of its bytes): the scripts of a lock are few, and the same every run. */
const compiled = new Map<string, Uint8Array>();

/** How many chunks the cache keeps at most (a lock that builds scripts on the fly must not grow it forever). */
const MAX_CHUNKS = 256;

/**
 * Loads a Lua chunk (as `luaL_loadstring` does: the function on top of the stack, or the error and a non-OK
 * status), compiling each source once per process. ioredis-mock runs every `EVAL`/`EVALSHA` in a fresh Lua state
 * (fengari) and parsed its `redis` helper chunk and the script again each time: most of the mock backend's CPU
 * time (a profile of `--runs 100`: fengari's lexer, parser and code generator, and the garbage they leave). A
 * chunk seen before is loaded from its bytecode (`lua_dump` without stripping: same source name, line numbers and
 * error messages) and runs exactly as if parsed, so replies, errors, schedules and recorded seeds are unchanged
 * (`test/regressions`, `test/blindSpots.test.ts`). A chunk that fails to compile is not cached: its error comes
 * from the parser, as before.
 *
 * @example
 * ```ts
 * if (loadChunk(mockLua(), L, source) === lua.LUA_OK) lua.lua_pcall(L, 0, lua.LUA_MULTRET, 0)
 * ```
 */
export function loadChunk({ lauxlib, lua }: MockLua, L: LuaState, source: Uint8Array): number {
  const key = Buffer.from(source.buffer, source.byteOffset, source.byteLength).toString('latin1');
  const chunk = compiled.get(key);
  // The chunk name is the source, as `luaL_loadstring` names it; the bytecode keeps the source name it had.
  if (chunk !== undefined) return lauxlib.luaL_loadbufferx(L, chunk, chunk.length, source, 'b');
  const status = lauxlib.luaL_loadstring(L, source);
  if (status === lua.LUA_OK && compiled.size < MAX_CHUNKS) compiled.set(key, dump(lua, L));
  return status;
}

/**
 * `luaL_dostring` (load the chunk, then call it keeping every result) with the load served by {@link loadChunk}.
 *
 * @example
 * ```ts
 * lauxlib.luaL_dostring = (L, source) => doChunk(fengari, L, source)
 * ```
 */
export function doChunk(fengari: MockLua, L: LuaState, source: Uint8Array): number {
  const { lua } = fengari;
  const status = loadChunk(fengari, L, source);
  return status === lua.LUA_OK ? lua.lua_pcall(L, 0, lua.LUA_MULTRET, 0) : status;
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
