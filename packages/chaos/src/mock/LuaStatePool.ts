import type { LuaState, MockLua } from './internals.js';
import { loadChunk } from './LuaChunkCache.js';

/** States kept for reuse at most (scripts run one at a time: one is usually enough). */
const MAX_POOLED = 4;

/** fengari's functions that the pool stands in for. */
type Originals = Pick<MockLua['lauxlib'], 'luaL_newstate'> &
  Pick<MockLua['lualib'], 'luaL_openlibs'> &
  Pick<MockLua['interop'], 'luaopen_js'> &
  Pick<MockLua['lua'], 'lua_close'>;

/** What a pooled state keeps in its registry: the `js` library table and the globals as they were when opened. */
interface Prepared {
  readonly js: number;
  /** Registry refs of the snapshot and of the library copies, and how many globals there were; none: not reusable. */
  readonly snapshot?: { readonly globals: number; readonly copies: number; readonly count: number };
}

/**
 * Whether the globals are exactly as they were when the state was opened (`...`: the globals table, their
 * snapshot, a copy of each library table, how many globals there were, and the names ioredis-mock sets before
 * every script, which are skipped): the same names bound to the same values, each library table with the same
 * fields, no metatable on the globals. Uses only the functions of the snapshot, which no script can replace.
 */
const UNCHANGED_LUA = `
local G, S, C, count, skip = ...
local nxt, rawequal, getmetatable = S.next, S.rawequal, S.getmetatable
if getmetatable(G) ~= nil then return false end
local n = 0
for k, v in nxt, G do
  if skip[k] == nil then
    if not rawequal(S[k], v) then return false end
    n = n + 1
  end
end
if n ~= count then return false end
for name, copy in nxt, C do
  local lib, m = S[name], 0
  for k, v in nxt, lib do
    if not rawequal(copy[k], v) then return false end
    m = m + 1
  end
  for _ in nxt, copy do m = m - 1 end
  if m ~= 0 then return false end
end
return true`;

/** Takes the snapshot of the globals (names to values) and a copy of each library table, and counts the globals. */
const SNAPSHOT_LUA = `
local S, C, n = {}, {}, 0
for k, v in next, _G do
  S[k] = v
  n = n + 1
  if type(v) == 'table' and k ~= '_G' then
    local copy = {}
    for kk, vv in next, v do copy[kk] = vv end
    C[k] = copy
  end
end
return S, C, n`;

/** The globals ioredis-mock defines before each script: set again every time, so left out of the comparison. */
const SET_PER_SCRIPT = ['call', 'redis', 'repair', 'unpack', 'KEYS', 'ARGV'];

/**
 * Reuses ioredis-mock's Lua states. ioredis-mock opens a fresh fengari state for every `EVAL`/`EVALSHA` (all of
 * Lua's standard libraries and fengari-interop's `js` library: as costly as parsing the script) and closes it
 * afterwards. The pool opens each state once, snapshots its globals, and, when ioredis-mock closes it, checks that
 * every global and every library table field is still what it was (besides the six names ioredis-mock sets again
 * before each script): then it keeps the state for the next script, which finds it as a fresh one (the `js` table
 * on the stack, as `luaopen_js` leaves it); otherwise (a script that set a global, changed a library) it closes it.
 * A script that fails is never closed by ioredis-mock, so never reused. Lua's `math.random` draws from the JS
 * `Math.random` (seeded by the run) in any state, so reuse changes no reply: schedules replay as before.
 *
 * @example
 * ```ts
 * const pool = new LuaStatePool(mockLua())
 * const L = pool.open() // then ioredis-mock's openlibs / luaopen_js pass through pool.openlibs / pool.openJs
 * ```
 */
export class LuaStatePool {
  readonly #lua: MockLua;
  readonly #original: Originals;
  readonly #free: LuaState[] = [];
  readonly #prepared = new WeakMap<LuaState, Prepared>();

  readonly #snapshot: Uint8Array;
  readonly #unchangedSource: Uint8Array;

  /** @param lua - fengari, its functions not yet replaced (the pool calls them to open and close states). */
  constructor(lua: MockLua) {
    this.#lua = lua;
    this.#original = {
      luaL_newstate: lua.lauxlib.luaL_newstate,
      luaL_openlibs: lua.lualib.luaL_openlibs,
      luaopen_js: lua.interop.luaopen_js,
      lua_close: lua.lua.lua_close,
    };
    this.#snapshot = lua.to_luastring(SNAPSHOT_LUA);
    this.#unchangedSource = lua.to_luastring(UNCHANGED_LUA);
  }

  /** A state with every library open and its globals as opened: a pooled one, or a new one. */
  readonly open = (): LuaState => this.#free.pop() ?? this.#fresh();

  /** `luaL_openlibs`: nothing to do for a state of the pool (its libraries are open). */
  readonly openlibs = (L: LuaState): void => {
    if (!this.#prepared.has(L)) this.#original.luaL_openlibs(L);
  };

  /** `luaopen_js`: for a state of the pool, pushes its `js` table, as opening the library leaves it. */
  readonly openJs = (L: LuaState): number => {
    const prepared = this.#prepared.get(L);
    if (!prepared) return this.#original.luaopen_js(L);
    this.#lua.lua.lua_rawgeti(L, this.#lua.lua.LUA_REGISTRYINDEX, prepared.js);
    return 1;
  };

  /** `lua_close`: keeps the state for reuse when its globals are unchanged, else closes it. */
  readonly close = (L: LuaState): void => {
    const snapshot = this.#prepared.get(L)?.snapshot;
    if (snapshot && this.#free.length < MAX_POOLED && this.#unchanged(L, snapshot)) this.#free.push(L);
    else this.#original.lua_close(L);
  };

  #fresh(): LuaState {
    const { lua, lauxlib } = this.#lua;
    const L = this.#original.luaL_newstate();
    this.#original.luaL_openlibs(L);
    this.#original.luaopen_js(L);
    const js = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const loaded = loadChunk(this.#lua, L, this.#snapshot) === lua.LUA_OK;
    if (!loaded || lua.lua_pcall(L, 0, 3, 0) !== lua.LUA_OK) {
      lua.lua_settop(L, 0);
      this.#prepared.set(L, { js }); // used once, like any state ioredis-mock opens
      return L;
    }
    const count = lua.lua_tointeger(L, -1);
    lua.lua_pop(L, 1);
    const copies = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    const globals = lauxlib.luaL_ref(L, lua.LUA_REGISTRYINDEX);
    this.#prepared.set(L, { js, snapshot: { globals, copies, count } });
    return L;
  }

  #unchanged(L: LuaState, prepared: NonNullable<Prepared['snapshot']>): boolean {
    const { lua, to_luastring } = this.#lua;
    lua.lua_settop(L, 0);
    if (loadChunk(this.#lua, L, this.#unchangedSource) !== lua.LUA_OK) return false;
    lua.lua_pushglobaltable(L);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, prepared.globals);
    lua.lua_rawgeti(L, lua.LUA_REGISTRYINDEX, prepared.copies);
    lua.lua_pushinteger(L, prepared.count);
    lua.lua_createtable(L, 0, SET_PER_SCRIPT.length);
    for (const name of SET_PER_SCRIPT) {
      lua.lua_pushboolean(L, true);
      lua.lua_setfield(L, -2, to_luastring(name));
    }
    const ok = lua.lua_pcall(L, 5, 1, 0) === lua.LUA_OK && lua.lua_toboolean(L, -1);
    lua.lua_settop(L, 0);
    return ok;
  }
}
