// Threat: Lua injection. A lock key (or any other user data) pasted into a script's text would run as code on
// the Redis server. deadbolt's scripts are compile-time constants; user data travels only as KEYS and ARGV.
// Checked on the commands that reach a real redis-server (MONITOR) and on the calls made to ioredis-mock.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { useRedisServer } from '@deadbolt/testing';
import { createLocker, type Locker } from '@deadbolt/core';
import RedisMock from 'ioredis-mock';
import { LUA_INJECTION_KEYS, NAMESPACE_ESCAPE_KEYS } from './support/hostileKeys.js';

const SCRIPTS_DIR = join(import.meta.dirname, '../../packages/core/src/scripts');

/** A script as `defineScript` makes it. */
interface Script {
  readonly name: string;
  readonly source: string;
  readonly sha: string;
}

function isScript(value: unknown): value is Script {
  const candidate = value as Partial<Script> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.source === 'string' &&
    typeof candidate.sha === 'string'
  );
}

/** A script family as `defineScriptFamily` makes it: every variant built up front. */
function variantsOf(value: unknown): readonly unknown[] {
  const variants = (value as { variants?: unknown } | null)?.variants;
  return Array.isArray(variants) ? variants : [];
}

/** Every script constant exported by a module of packages/core/src/scripts, the variants of families included. */
async function knownScripts(): Promise<Script[]> {
  const files = (await readdir(SCRIPTS_DIR)).filter((file) => file.endsWith('.ts'));
  const modules = await Promise.all(
    files.map((file) => import(join(SCRIPTS_DIR, file)) as Promise<Record<string, unknown>>),
  );
  return modules.flatMap((module) =>
    Object.values(module)
      .flatMap((value) => [value, ...variantsOf(value)])
      .filter(isScript),
  );
}

/** One script call as the server saw it. */
interface ScriptCall {
  readonly command: 'eval' | 'evalsha';
  /** Script text (EVAL) or SHA1 (EVALSHA). */
  readonly body: string;
  readonly keys: readonly string[];
  readonly args: readonly string[];
}

function scriptCall(command: string, rest: readonly (string | number)[]): ScriptCall | undefined {
  const name = command.toLowerCase();
  if (name !== 'eval' && name !== 'evalsha') return undefined;
  const [body, numKeys, ...params] = rest.map(String);
  const count = Number(numKeys);
  return { command: name, body: body ?? '', keys: params.slice(0, count), args: params.slice(count) };
}

/**
 * Undoes the escaping of MONITOR's output (Redis `sdscatrepr`: `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b`,
 * `\xHH`); ioredis has already turned `\"` back into `"`.
 */
function unrepr(text: string): string {
  const named: Record<string, string> = { n: '\n', r: '\r', t: '\t', a: '\x07', b: '\b' };
  return text.replace(/\\(x[0-9a-f]{2}|.)/g, (_match, code: string) =>
    code.length === 3 ? String.fromCharCode(parseInt(code.slice(1), 16)) : (named[code] ?? code),
  );
}

/** Every operation a lock goes through, on the hostile keys: acquire, busy, queue and wake-up, extend, release. */
async function exercise(locker: Locker, keys: readonly string[]): Promise<void> {
  for (const key of keys) {
    const lock = await locker.acquire(key, { wait: 0 });
    expect(await locker.tryAcquire(key)).to.equal(null);
    const waiter = locker.acquire(key, { wait: 5_000 });
    await lock.extend();
    await lock.release();
    const next = await waiter;
    await next.release();
  }
  const multi = await locker.acquire([...keys], { wait: 0 });
  await multi.extend();
  await multi.release();
}

function expectOnlyConstantScripts(
  calls: readonly ScriptCall[],
  scripts: readonly Script[],
  keys: readonly string[],
): void {
  const sources = new Set(scripts.map((script) => script.source));
  const shas = new Set(scripts.map((script) => script.sha));
  expect(calls.length, 'script calls observed').to.be.greaterThan(keys.length * 4);
  for (const call of calls) {
    if (call.command === 'eval')
      expect(sources.has(call.body), `EVAL of an unknown script:\n${call.body}`).to.equal(true);
    else expect(shas.has(call.body), `EVALSHA of an unknown script ${call.body}`).to.equal(true);
    for (const key of LUA_INJECTION_KEYS) expect(call.body).not.to.include(key);
  }
}

describe('security: user data reaches Redis only as KEYS and ARGV, never as script text', function () {
  const hostile = [...LUA_INJECTION_KEYS, ...NAMESPACE_ESCAPE_KEYS];
  let scripts: Script[];

  before(async function () {
    scripts = await knownScripts();
    expect(scripts.map((script) => script.name)).to.include.members(['acquire', 'extend', 'release']);
  });

  describe('on real Redis (MONITOR)', function () {
    const redis = useRedisServer();

    it('every EVAL/EVALSHA is one of the constant scripts, and injected Lua never runs', async function () {
      const admin = redis.server.client();
      const monitor = await admin.monitor();
      const calls: ScriptCall[] = [];
      const sentinel = `sentinel-${randomUUID()}`;
      let seenSentinel: () => void = () => undefined;
      const sentinelSeen = new Promise<void>((resolve) => (seenSentinel = resolve));
      monitor.on('monitor', (_time: string, args: string[]) => {
        const [command = '', ...rest] = args.map(unrepr);
        if (command.toLowerCase() === 'echo' && rest[0] === sentinel) seenSentinel();
        const call = scriptCall(command, rest);
        if (call !== undefined) calls.push(call);
      });
      const prefix = 'app';
      const locker = createLocker(redis.server.client(), { prefix, ttl: 5_000 });
      await exercise(locker, hostile);
      await locker.close();
      // MONITOR reports commands in execution order: once the sentinel shows up, every earlier one has.
      const probe = redis.server.client();
      await probe.echo(sentinel);
      await sentinelSeen;
      monitor.disconnect();

      expectOnlyConstantScripts(calls, scripts, hostile);
      expect(await probe.exists('pwned')).to.equal(0);
      const stray = (await probe.keys('*')).filter((key) => !key.startsWith(`${prefix}:{`));
      expect(stray).to.deep.equal([]);
    });
  });

  describe('on ioredis-mock (calls recorded on the client)', function () {
    it('every eval/evalsha is one of the constant scripts, and injected Lua never runs', async function () {
      const client = new RedisMock({ host: 'security-script-text', port: 1 });
      const calls: ScriptCall[] = [];
      const evalOriginal = client.eval.bind(client) as (...args: (string | number)[]) => Promise<unknown>;
      const evalshaOriginal = client.evalsha.bind(client) as (
        ...args: (string | number)[]
      ) => Promise<unknown>;
      const record = (command: 'eval' | 'evalsha', send: typeof evalOriginal) => {
        return (...args: (string | number)[]) => {
          const call = scriptCall(command, args);
          if (call !== undefined) calls.push(call);
          return send(...args);
        };
      };
      Object.assign(client, {
        eval: record('eval', evalOriginal),
        evalsha: record('evalsha', evalshaOriginal),
      });
      const locker = createLocker(client, { prefix: 'app', ttl: 5_000 });
      await exercise(locker, hostile);
      await locker.close();

      expectOnlyConstantScripts(calls, scripts, hostile);
      expect(calls.some((call) => call.keys.some((key) => key.startsWith('app:{')))).to.equal(true);
      expect(await client.exists('pwned')).to.equal(0);
      expect((await client.keys('*')).filter((key) => !key.startsWith('app:{'))).to.deep.equal([]);
      client.disconnect();
    });
  });
});
