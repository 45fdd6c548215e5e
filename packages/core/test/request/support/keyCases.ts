import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import fc from 'fast-check';
import { deferred } from './deferred.js';
import { get } from './http.js';
import type { KeyInput } from './Harness.js';
import type { SuiteContext } from './SuiteContext.js';

/** The key from `?k=` as the user would write it: a string, or the array a repeated parameter gives. */
function queryKey({ query }: KeyInput): string | string[] | undefined {
  const k = query['k'];
  if (typeof k === 'string') return `doc:${k}`;
  return Array.isArray(k) ? k.map((part) => `doc:${String(part)}`) : undefined;
}

/** Characters that have broken lock keys elsewhere: separators, hash-tag braces, globs, control, non-ASCII. */
const hostileChar = fc.constantFrom('\r', '\n', '{', '}', '*', ':', ' ', '%', '"', 'é', '漢', '🔒', 'a', 'b');
const hostileKey = fc.oneof(
  fc.string({ unit: hostileChar, minLength: 1, maxLength: 12 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
);

/** Misuse reporting and hostile keys taken from the request. */
export function keyCases(context: () => SuiteContext): void {
  it('answers 500 ERR_LOCK_KEY_UNMOUNTED (logged once) when a params key is mounted with app.use', async () => {
    const ctx = context();
    const errors: string[] = [];
    const logger = { warn: () => undefined, error: (message: string) => void errors.push(message) };
    const url = await ctx.serve({
      mount: 'use',
      options: { logger },
      handler: () => ({ status: 200, json: {} }),
    });
    const answers = [await get(url, '/items/1'), await get(url, '/items/2')];
    for (const answer of answers) {
      expect(answer.status).to.equal(500);
      expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
      const body = answer.json() as { code: string; detail: string };
      expect(body.code).to.equal('ERR_LOCK_KEY_UNMOUNTED');
      expect(body.detail).to.match(/mount/i);
    }
    expect(errors).to.have.length(1);
    expect(errors[0]).to.match(/ERR_LOCK_KEY_UNMOUNTED/);
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
