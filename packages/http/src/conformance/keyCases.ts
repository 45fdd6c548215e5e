import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import fc from 'fast-check';
import { deferred } from './deferred.js';
import { get, type Answer } from './http.js';
import { leftoverKeys } from './redisState.js';
import type { RequestKey } from '../RequestLockOptions.js';
import type { Harness, KeyInput } from './Harness.js';
import type { SuiteContext } from './SuiteContext.js';

/** The key from `?k=` as the user would write it: a string, or the array a repeated parameter gives. */
function queryKey({ query }: KeyInput): string | string[] | undefined {
  const k = query['k'];
  if (typeof k === 'string') return `doc:${k}`;
  return Array.isArray(k) ? k.map((part) => `doc:${String(part)}`) : undefined;
}

/** A logger that records what the middleware reports. */
function recordingLogger() {
  const warnings: string[] = [];
  const errors: string[] = [];
  const logger = {
    warn: (message: string) => void warnings.push(message),
    error: (message: string) => void errors.push(message),
  };
  return { logger, warnings, errors };
}

/** A 400 problem+json answer with `code`. */
function expectKeyProblem(answer: Answer, code: string, where = ''): void {
  expect(answer.status, where).to.equal(400);
  expect(answer.headers['content-type'], where).to.match(/^application\/problem\+json/);
  expect(answer.json(), where).to.include({
    status: 400,
    code,
    type: 'urn:deadbolt:problem:invalid-resource-name',
  });
}

/** Characters that have broken lock keys elsewhere: separators, hash-tag braces, globs, control, non-ASCII. */
const hostileChar = fc.constantFrom('\r', '\n', '{', '}', '*', ':', ' ', '%', '"', 'é', '漢', '🔒', 'a', 'b');
const hostileKey = fc.oneof(
  fc.string({ unit: hostileChar, minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
);

/**
 * Where route params are matched before any middleware (Fastify), the app-wide mount of the misuse case sees them:
 * each request locks its own item, nothing is logged and nothing is left behind.
 */
async function appWideMountLocksPerRoute(ctx: SuiteContext): Promise<void> {
  const { logger, warnings, errors } = recordingLogger();
  const keys: (string | undefined)[] = [];
  const url = await ctx.serve({
    mount: 'use',
    options: { logger },
    handler: (call) => {
      keys.push(call.lock?.key);
      return { status: 200, json: {} };
    },
  });
  const answers = [await get(url, '/items/1'), await get(url, '/items/2')];
  expect(answers.map((answer) => answer.status)).to.deep.equal([200, 200]);
  expect(keys).to.deep.equal(['item:1', 'item:2']);
  expect([...warnings, ...errors]).to.deep.equal([]);
  await waitUntil(() => ctx.released('item:1') === 1 && ctx.released('item:2') === 1, {
    description: 'one release per request',
  });
  expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
}

/** Misuse reporting and hostile keys taken from the request. */
export function keyCases(context: () => SuiteContext, harness: Harness): void {
  const paramsEverywhere = harness.routeParamsEverywhere === true;
  const misuse = paramsEverywhere
    ? 'locks per route when mounted app-wide, where route params are matched before any middleware'
    : 'answers 400 ERR_LOCK_KEY_UNMOUNTED (one warning, no error log) when a params key is mounted with app.use';
  it(misuse, async () => {
    const ctx = context();
    if (paramsEverywhere) return appWideMountLocksPerRoute(ctx);
    const { logger, warnings, errors } = recordingLogger();
    const url = await ctx.serve({
      mount: 'use',
      options: { logger },
      handler: () => ({ status: 200, json: {} }),
    });
    const answers = [await get(url, '/items/1'), await get(url, '/items/2')];
    for (const answer of answers) {
      expectKeyProblem(answer, 'ERR_LOCK_KEY_UNMOUNTED');
      expect((answer.json() as { detail: string }).detail).to.match(/mount/i);
    }
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.match(/ERR_LOCK_KEY_UNMOUNTED/);
    expect(errors).to.deep.equal([]);
  });

  it('answers 400 problem+json, never a 5xx, for every unusable key taken from the client (SECURITY.md)', async () => {
    const ctx = context();
    const { logger, warnings, errors } = recordingLogger();
    let served = 0;
    const url = await ctx.serve({
      // What a key function built from the body would return: whatever the client sent (JSON in ?json=).
      key: ({ query }) => {
        const json = query['json'];
        if (typeof json === 'string') return JSON.parse(json) as RequestKey;
        return queryKey({ query, params: undefined }) ?? (query['raw'] as RequestKey);
      },
      options: { logger },
      handler: () => {
        served += 1;
        return { status: 200, json: {} };
      },
    });
    const cases: [string, string][] = [
      ['/items/1?raw=', 'ERR_LOCK_KEY_EMPTY'],
      ['/items/1?json=%7B%22id%22%3A1%7D', 'ERR_LOCK_KEY_TYPE'], // {"id":1}
      ['/items/1?json=42', 'ERR_LOCK_KEY_TYPE'],
      ['/items/1?json=%5B%22a%22%2C1%5D', 'ERR_LOCK_KEY_TYPE'], // ["a",1]
      ['/items/1?json=%5B%5D', 'ERR_LOCK_KEY_EMPTY'], // []
      ['/items/1', 'ERR_LOCK_KEY_MISSING'], // the client omitted the field: onMissingKey defaults to 'reject'
    ];
    for (const [path, code] of cases) expectKeyProblem(await get(url, path), code, path);
    expect(served).to.equal(0);
    expect([...warnings, ...errors]).to.deep.equal([]);
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
  });

  it('answers 400 ERR_LOCK_KEY_LIMIT above maxKeys distinct keys (default 16)', async () => {
    const ctx = context();
    const keysOf = (n: number, prefix = 'k') =>
      Array.from({ length: n }, (_, i) => `k=${prefix}${i}`).join('&');
    const url = await ctx.serve({ key: queryKey, handler: () => ({ status: 200, json: {} }) });
    expect((await get(url, `/items/1?${keysOf(16)}`)).status).to.equal(200);
    expectKeyProblem(await get(url, `/items/1?${keysOf(17)}`), 'ERR_LOCK_KEY_LIMIT');
    expectKeyProblem(await get(url, `/items/1?${keysOf(300)}`), 'ERR_LOCK_KEY_LIMIT');
    const two = await ctx.serve({
      key: queryKey,
      options: { maxKeys: 2 },
      handler: () => ({ status: 200, json: {} }),
    });
    expect((await get(two, '/items/1?k=a&k=b&k=a')).status).to.equal(200);
    expectKeyProblem(await get(two, '/items/1?k=a&k=b&k=c'), 'ERR_LOCK_KEY_LIMIT');
    expect(await leftoverKeys(ctx.client)).to.deep.equal([]);
  });

  it('answers 400 for a key over 512 bytes (10 KB) and locks every key of a repeated parameter', async () => {
    const ctx = context();
    const keys: (readonly string[] | undefined)[] = [];
    const url = await ctx.serve({
      key: queryKey,
      handler: (call) => {
        keys.push(call.lock?.keys);
        return { status: 200, json: {} };
      },
    });
    const long = await get(url, `/items/1?k=${'x'.repeat(10_240)}`);
    expect(long.status).to.equal(400);
    expect(long.json()).to.include({ status: 400, code: 'ERR_LOCK_KEY_INVALID' });
    expect((await get(url, '/items/1?k=b&k=a')).status).to.equal(200);
    expect(keys).to.deep.equal([['doc:a', 'doc:b']]);
  });

  it('keeps hostile keys from the request apart and always answers', async () => {
    const ctx = context();
    const holding = new Set<string>();
    let gate = deferred();
    const url = await ctx.serve({
      key: queryKey,
      options: { wait: 0 },
      handler: async (call) => {
        const k = String(call.query['k']);
        holding.add(k);
        if (call.query['hold'] === '1') await gate.promise;
        holding.delete(k);
        return { status: 200, json: { key: call.lock?.key } };
      },
    });
    await fc.assert(
      fc.asyncProperty(hostileKey, hostileKey, async (first, second) => {
        fc.pre(first !== second);
        gate = deferred();
        const path = (k: string, hold: boolean) =>
          `/items/1?k=${encodeURIComponent(k)}${hold ? '&hold=1' : ''}`;
        const held = get(url, path(first, true));
        await waitUntil(() => holding.has(first), { description: 'the first key to be held' });
        const other = await get(url, path(second, false));
        const same = await get(url, path(first, false));
        gate.resolve();
        const firstAnswer = await held;
        expect([firstAnswer.status, other.status, same.status]).to.deep.equal([200, 200, 409]);
        expect(firstAnswer.json()).to.deep.equal({ key: `doc:${first}` });
        expect(other.json()).to.deep.equal({ key: `doc:${second}` });
      }),
      { numRuns: 15 },
    );
  });
}
