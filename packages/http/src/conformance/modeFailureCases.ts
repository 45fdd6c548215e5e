import { createLocker, LockConfigError } from '@deadbolt/core';
import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { gatedHandler } from './gatedHandler.js';
import type { KeyInput } from './Harness.js';
import { get, type Answer } from './http.js';
import type { SuiteContext } from './SuiteContext.js';

/** A logger that keeps the warnings it is given. */
function warnings() {
  const lines: string[] = [];
  return { lines, warn: (message: string) => void lines.push(message), error: () => undefined };
}

/** The 500 problem+json answer of a request the middleware's mode or limit cannot lock. */
function expectMisconfigured(answer: Answer, code: string): void {
  expect(answer.status).to.equal(500);
  expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(answer.json()).to.include({ status: 500, type: 'urn:deadbolt:problem:lock-misconfigured', code });
}

/** The limit the request asks for: `?limit=`, as a number when it is one. */
const limitFromQuery = (input: KeyInput): unknown => {
  const asked = input.query['limit'];
  return typeof asked === 'string' && /^\d+$/.test(asked) ? Number(asked) : asked;
};

/** `mode` and `limit` misconfigured: refused at creation, or answered 500 per request, never a hang. */
export function modeFailureCases(context: () => SuiteContext): void {
  it('refuses limit with a shared or function mode, and unusable values, when the middleware is created', async () => {
    const ctx = context();
    const handler = () => ({ status: 200, json: {} });
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ mode: 'shared', limit: 2 }, /"limit" cannot be combined with "mode" "shared"/],
      [{ mode: () => 'exclusive', limit: 2 }, /"limit" cannot be combined with "mode" as a function/],
      [{ mode: 'read' }, /"mode" must be 'exclusive', 'shared' or a function/],
      [{ limit: 0 }, /"limit" must be an integer from 1/],
      [{ limit: 2.5 }, /"limit" must be an integer from 1/],
    ];
    for (const [options, message] of refused) {
      const error = await ctx.serve({ handler, options }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, JSON.stringify(options)).to.be.instanceOf(LockConfigError).and.match(message);
    }
  });

  it('answers 500 ERR_LOCK_CONFIG when a mode or limit function returns an unusable value (logged once)', async () => {
    const ctx = context();
    const logger = warnings();
    let served = 0;
    const handler = () => ((served += 1), { status: 200, json: {} });
    const limited = await ctx.serve({ handler, limit: limitFromQuery, options: { logger } });
    const moded = await ctx.serve({
      handler,
      mode: (input) => (input.query['mode'] === 'async' ? Promise.resolve('shared') : input.query['mode']),
      options: { logger },
    });
    for (const path of ['/items/1?limit=0', '/items/1?limit=two', '/items/1']) {
      expectMisconfigured(await get(limited, path), 'ERR_LOCK_CONFIG');
    }
    expectMisconfigured(await get(moded, '/items/1?mode=async'), 'ERR_LOCK_CONFIG');
    expectMisconfigured(await get(moded, '/items/1?mode=write'), 'ERR_LOCK_CONFIG');
    expect(served).to.equal(0);
    expect(logger.lines).to.have.length(2); // once per middleware and code
    expect(logger.lines[0]).to.match(/"limit" must be an integer from 1 .* returned 0/);
    expect((await get(limited, '/items/1?limit=3')).status).to.equal(200);
    expect((await get(moded, '/items/1?mode=shared')).status).to.equal(200);
  });

  it('answers 500 ERR_LOCK_MODE to a request whose limit differs from the one the key is held with', async () => {
    const ctx = context();
    const { handler, entered, open } = gatedHandler();
    const url = await ctx.serve({ handler, limit: limitFromQuery, options: { logger: warnings() } });
    const holder = get(url, '/items/1?limit=2');
    await waitUntil(() => entered() === 1, { timeoutMs: 20_000, description: 'the holder to enter' });
    expectMisconfigured(await get(url, '/items/1?limit=3'), 'ERR_LOCK_MODE');
    expect(entered()).to.equal(1);
    open();
    expect((await holder).status).to.equal(200);
    expect((await get(url, '/items/1?limit=3')).status).to.equal(200); // no holder left: the new limit applies
  });

  it('answers 500 ERR_LOCK_CONFIG when the locker supports only the exclusive lock (quorum)', async () => {
    const ctx = context();
    const others = [ctx.client.duplicate(), ctx.client.duplicate()];
    const locker = createLocker([ctx.client, ...others]);
    try {
      const handler = () => ({ status: 200, json: {} });
      const url = await ctx.serve({ locker, handler, mode: () => 'shared', options: { logger: warnings() } });
      expectMisconfigured(await get(url, '/items/1'), 'ERR_LOCK_CONFIG');
    } finally {
      await locker.close();
      for (const other of others) other.disconnect();
    }
  });

  it('holds every key of a multi-key request in the shared mode', async () => {
    const ctx = context();
    const { handler, entered, open } = gatedHandler();
    const url = await ctx.serve({
      key: (input) => (input.query['keys'] === 'both' ? ['item:2', 'item:1'] : 'item:2'),
      options: { mode: 'shared', wait: 0 },
      handler,
    });
    const both = get(url, '/items/1?keys=both');
    await waitUntil(() => entered() === 1, { timeoutMs: 20_000, description: 'the holder to enter' });
    expect((await get(url, '/items/1')).status).to.equal(200); // item:2 is shared, not held exclusively
    open();
    expect((await both).status).to.equal(200);
  });
}
