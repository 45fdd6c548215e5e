import { expect } from 'chai';
import RedisMock from 'ioredis-mock';
import { installFastMockLua } from '../src/mock/fastMockLua.js';

// The mock backend compiles each Lua chunk once and reuses Lua states (src/mock/fastMockLua.ts) so that scripts
// cost less CPU; recorded seeds replay only if every script still answers exactly as a fresh state that parsed it
// would. These scripts cover replies, errors (runtime and syntax: same messages), and scripts that leave globals
// or library fields behind, which a reused state must not show to the next script.
const SCRIPTS = [
  "local v = redis.call('INCR', KEYS[1]); if tonumber(ARGV[1]) == 3 then error('boom') end; return {v, ARGV[1]}",
  'return {tostring(leaked), tostring(string.leak), tostring(rawget(_G, "KEYS2")), KEYS[1]}',
  'leaked = (leaked or 0) + 1; return leaked',
  'string.leak = 1; KEYS2 = KEYS; return 1',
  'setmetatable(_G, { __index = function() return 7 end }); return 1',
  'return tostring(undefined_global)',
  "return redis.call('GET', 'missing')",
  "return {1, 2, {3, 'x'}, redis.call('SET', 'a', 'b')}",
  'syntax error here',
];

/** Every script in turn, `rounds` times, on a fresh store: each reply or error message. */
async function replies(rounds: number): Promise<unknown[]> {
  const redis = new RedisMock({ host: 'fast-mock-lua', port: 99 });
  await redis.flushall();
  const out: unknown[] = [];
  for (let round = 0; round < rounds; round += 1)
    for (const script of SCRIPTS)
      out.push(
        await redis.eval(script, 1, 'k', String(round % 5)).catch((e: Error) => `error: ${e.message}`),
      );
  redis.disconnect();
  return out;
}

describe('fast mock Lua (chunk cache and state reuse)', () => {
  it('answers every script as ioredis-mock does on its own, and no state shows a previous script its globals', async () => {
    const plain = await replies(6);
    const uninstall = installFastMockLua();
    let fast: unknown[];
    try {
      fast = await replies(6);
    } finally {
      uninstall();
    }
    expect(fast).to.deep.equal(plain);
    // The leak probe right after the first round's leaks still sees nothing.
    expect(plain[SCRIPTS.length + 1]).to.deep.equal(['nil', 'nil', 'nil', 'k']);
    expect(plain[SCRIPTS.length + 5]).to.equal('nil');
    expect(String(plain[SCRIPTS.length - 1])).to.match(/^error: .*syntax error/);
  });
});
