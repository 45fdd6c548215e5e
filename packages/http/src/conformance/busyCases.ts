import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { gatedHandler } from './gatedHandler.js';
import { get, type Answer } from './http.js';
import type { AppSpec } from './Harness.js';
import type { SuiteContext } from './SuiteContext.js';

/** Serves `spec` with a handler that holds `item:1` until the returned `free()`; resolves once held. */
async function holdItem(ctx: SuiteContext, spec: Partial<AppSpec>) {
  const { handler, entered, open } = gatedHandler();
  const url = await ctx.serve({ ...spec, handler });
  const holder = get(url, '/items/1');
  await waitUntil(() => entered() === 1, { description: 'the holder to enter' });
  return {
    url,
    free: async () => {
      open();
      return (await holder).status;
    },
  };
}

function expectProblem(answer: Answer, status: number): void {
  expect(answer.status).to.equal(status);
  expect(answer.headers['content-type']).to.match(/^application\/problem\+json/);
  expect(Number(answer.headers['retry-after'])).to.be.at.least(1);
  const body = answer.json() as Record<string, unknown>;
  expect(body).to.include({ status, type: 'urn:deadbolt:problem:resource-busy', code: 'ERR_LOCK_BUSY' });
  expect(body['title']).to.be.a('string');
  expect(body['detail']).to.be.a('string');
}

/** The busy answer: at once, after a wait, and overridden. */
export function busyCases(context: () => SuiteContext): void {
  it('answers 409 + Retry-After + problem+json at once with wait: 0', async () => {
    const ctx = context();
    const held = await holdItem(ctx, { options: { wait: 0, ttl: 10_000 } });
    const answer = await get(held.url, '/items/1');
    expectProblem(answer, 409);
    // No hold has ended yet on this locker and nobody else is in line: 1 s, not the holder's 10 s lease.
    expect(answer.headers['retry-after']).to.equal('1');
    expect(await held.free()).to.equal(200);
  });

  it('answers the same when the wait runs out', async () => {
    const ctx = context();
    const held = await holdItem(ctx, { options: { wait: 100 } });
    expectProblem(await get(held.url, '/items/1'), 409);
    expect(await held.free()).to.equal(200);
  });

  it('uses statusCode and retryAfter when given', async () => {
    const ctx = context();
    const held = await holdItem(ctx, { options: { wait: 0, statusCode: 423, retryAfter: 7 } });
    const answer = await get(held.url, '/items/1');
    expectProblem(answer, 423);
    expect(answer.headers['retry-after']).to.equal('7');
    expect(await held.free()).to.equal(200);
  });

  it('lets onBusy answer instead', async () => {
    const ctx = context();
    const held = await holdItem(ctx, { options: { wait: 0 }, customBusy: true });
    const answer = await get(held.url, '/items/1');
    expect(answer.status).to.equal(423);
    expect(answer.json()).to.deep.equal({ custom: true, keys: ['item:1'] });
    expect(await held.free()).to.equal(200);
  });
}
