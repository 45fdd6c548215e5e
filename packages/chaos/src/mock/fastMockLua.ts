import { mockLua, type MockLua } from './internals.js';
import { doChunk } from './LuaChunkCache.js';
import { LuaStatePool } from './LuaStatePool.js';

/** The replaced functions and their originals, while installed. */
let installed: { readonly restore: () => void; count: number } | undefined;

/** The pool, made once per process (its states outlive a run: they hold nothing of it). */
let pool: LuaStatePool | undefined;

/**
 * Makes ioredis-mock's scripts cheap while a run's world exists: each Lua chunk is compiled once per process
 * (`loadChunk`) and Lua states are reused while their globals stay as opened ({@link LuaStatePool}). Every script
 * runs as before (same replies, errors, and calls to the store, in the same order), so schedules and recorded
 * seeds replay unchanged; only the CPU time of `EVAL`/`EVALSHA` drops. Nests: only the outermost uninstall restores
 * fengari's functions.
 *
 * @example
 * ```ts
 * const uninstall = installFastMockLua()
 * try { await drive(world) } finally { uninstall() }
 * ```
 */
export function installFastMockLua(): () => void {
  if (installed === undefined) installed = { restore: replace(mockLua()), count: 0 };
  installed.count += 1;
  let done = false;
  return () => {
    if (done || installed === undefined) return;
    done = true;
    installed.count -= 1;
    if (installed.count > 0) return;
    installed.restore();
    installed = undefined;
  };
}

/** Installs the replacements; returns what puts the originals back. */
function replace(fengari: MockLua): () => void {
  const { lauxlib, lualib, interop, lua } = fengari;
  const original = {
    dostring: lauxlib.luaL_dostring,
    newstate: lauxlib.luaL_newstate,
    openlibs: lualib.luaL_openlibs,
    openJs: interop.luaopen_js,
    close: lua.lua_close,
  };
  pool ??= new LuaStatePool(fengari);
  lauxlib.luaL_dostring = (L, source) => doChunk(fengari, L, source);
  lauxlib.luaL_newstate = pool.open;
  lualib.luaL_openlibs = pool.openlibs;
  interop.luaopen_js = pool.openJs;
  lua.lua_close = pool.close;
  return () => {
    lauxlib.luaL_dostring = original.dostring;
    lauxlib.luaL_newstate = original.newstate;
    lualib.luaL_openlibs = original.openlibs;
    interop.luaopen_js = original.openJs;
    lua.lua_close = original.close;
  };
}
