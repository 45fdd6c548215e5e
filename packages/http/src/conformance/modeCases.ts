import { waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { deferred, type Deferred } from './deferred.js';
import type { AppSpec, HandlerCall, HandlerReply, KeyInput } from './Harness.js';
import { get } from './http.js';
import type { SuiteContext } from './SuiteContext.js';

/** How long a test lets a condition take before it fails (a loaded CI machine is slow; nothing here is timed). */
const PATIENCE_MS = 20_000;

/**
 * A handler whose requests are named by `?name=`: each records that it entered, then holds its lock until the
 * test opens its name (`open`), or until `arrived` says so for the overlap case.
 */
function namedRequests(arrived?: (name: string, entered: readonly string[]) => Promise<HandlerReply>) {
  const entered: string[] = [];
  const gates = new Map<string, Deferred>();
  const gate = (name: string): Deferred => {
    let found = gates.get(name);
    if (found === undefined) gates.set(name, (found = deferred()));
    return found;
  };
  return {
    entered,
    handler: async (call: HandlerCall): Promise<HandlerReply> => {
      const name = String(call.query['name']);
      entered.push(name);
      if (arrived !== undefined) return arrived(name, entered);
      await gate(name).promise;
      return { status: 200, json: { name } };
    },
    open: (name: string) => gate(name).resolve(),
    hasEntered: (name: string) =>
      waitUntil(() => entered.includes(name), { timeoutMs: PATIENCE_MS, description: `${name} to enter` }),
  };
}

/** Counts the locker's `waited` events: an acquire emits one once it is queued in Redis behind the holders. */
function queuedCount(ctx: SuiteContext) {
  let queued = 0;
  ctx.locker.on('waited', () => void (queued += 1));
  return (count: number) =>
    waitUntil(() => queued === count, { timeoutMs: PATIENCE_MS, description: `${count} request(s) in line` });
}

/** Serves `spec` with a {@link namedRequests} handler, counting the requests that queue. */
async function serveNamed(ctx: SuiteContext, spec: Omit<AppSpec, 'locker' | 'handler'>) {
  const requests = namedRequests();
  const inLine = queuedCount(ctx);
  return { requests, inLine, url: await ctx.serve({ ...spec, handler: requests.handler }) };
}

/** `?mode=shared` is shared, anything else exclusive: the suite's mode function. */
const modeFromQuery = (input: KeyInput): unknown =>
  input.query['mode'] === 'shared' ? 'shared' : 'exclusive';

/** `mode` (shared requests together, exclusive alone, FIFO across modes) and `limit` (at most N at once). */
export function modeCases(context: () => SuiteContext): void {
  it("runs mode: 'shared' requests of one key at once", async () => {
    const ctx = context();
    const both = deferred();
    const overlap = namedRequests(async (_name, entered) => {
      if (entered.length === 2) both.resolve();
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'alone'>(
        (resolve) => (timer = setTimeout(() => resolve('alone'), PATIENCE_MS)),
      );
      const together = await Promise.race([both.promise.then(() => 'together' as const), gaveUp]);
      clearTimeout(timer);
      return { status: 200, json: { together } };
    });
    const url = await ctx.serve({ handler: overlap.handler, options: { mode: 'shared' } });
    const answers = await Promise.all([get(url, '/items/1?name=a'), get(url, '/items/1?name=b')]);
    expect(answers.map((a) => [a.status, a.json()])).to.deep.equal([
      [200, { together: 'together' }],
      [200, { together: 'together' }],
    ]);
  });

  it('makes an exclusive request wait for the shared ones, and shared ones for it', async () => {
    const ctx = context();
    const { requests, inLine, url } = await serveNamed(ctx, { mode: modeFromQuery });
    const reader = get(url, '/items/1?name=reader&mode=shared');
    await requests.hasEntered('reader');
    const writer = get(url, '/items/1?name=writer');
    await inLine(1);
    expect(requests.entered).to.deep.equal(['reader']);
    requests.open('reader');
    await requests.hasEntered('writer');
    const later = get(url, '/items/1?name=later&mode=shared');
    await inLine(2);
    expect(requests.entered).to.deep.equal(['reader', 'writer']);
    requests.open('writer');
    requests.open('later');
    expect((await Promise.all([reader, writer, later])).map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(requests.entered).to.deep.equal(['reader', 'writer', 'later']);
  });

  it('serves in arrival order across modes: a waiting exclusive request blocks later shared ones', async () => {
    const ctx = context();
    const { requests, inLine, url } = await serveNamed(ctx, { mode: modeFromQuery });
    const first = get(url, '/items/1?name=first&mode=shared');
    const second = get(url, '/items/1?name=second&mode=shared');
    await requests.hasEntered('first');
    await requests.hasEntered('second'); // the mode function's 'shared': two readers hold together
    const writer = get(url, '/items/1?name=writer');
    await inLine(1);
    const reader = get(url, '/items/1?name=reader&mode=shared'); // only readers hold, but a writer waits first
    await inLine(2);
    requests.open('first');
    requests.open('second');
    await requests.hasEntered('writer');
    expect(requests.entered.slice(2)).to.deep.equal(['writer']);
    requests.open('writer');
    requests.open('reader');
    const answers = await Promise.all([first, second, writer, reader]);
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200, 200]);
    expect(requests.entered.slice(2)).to.deep.equal(['writer', 'reader']);
  });

  it('lets exactly limit requests in at once; the next waits, or is busy with wait: 0', async () => {
    const ctx = context();
    const { requests, inLine, url } = await serveNamed(ctx, { options: { limit: 2 } });
    const holders = [get(url, '/items/1?name=a'), get(url, '/items/1?name=b')];
    await requests.hasEntered('a');
    await requests.hasEntered('b');
    const third = get(url, '/items/1?name=c');
    await inLine(1);
    expect(requests.entered).to.have.members(['a', 'b']);
    const impatient = await ctx.serve({ handler: requests.handler, options: { limit: 2, wait: 0 } });
    const busy = await get(impatient, '/items/1?name=d');
    expect(busy.status).to.equal(409);
    expect(busy.json()).to.include({ code: 'ERR_LOCK_BUSY' });
    requests.open('a');
    await requests.hasEntered('c');
    expect(requests.entered).to.have.length(3);
    requests.open('b');
    requests.open('c');
    expect((await Promise.all([...holders, third])).map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(requests.entered).not.to.include('d');
  });
}
