import { RedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, type Lock, type Locker } from '@deadbolt/core';

/**
 * Commands the operation sent, counted twice: the script calls (EVAL + EVALSHA) in INFO commandstats, and
 * every top-level command seen by MONITOR (which also lists the calls a script makes, tagged `lua`, so they
 * can be left out). The two counts must agree, so no command other than a script slips through.
 */
async function commandsDuring(server: RedisServer, operation: () => Promise<unknown>): Promise<number> {
  const admin = server.client();
  const monitor = await server.client().monitor();
  const seen: string[] = [];
  const marker = `marker-${Math.random()}`;
  const sawMarker = new Promise<void>((resolve) =>
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      if (args[1] === marker) resolve();
      else if (source !== 'lua') seen.push(String(args[0]).toLowerCase());
    }),
  );
  await server.resetStats();
  seen.length = 0;
  await operation();
  const stats = await server.commandStats();
  await admin.echo(marker);
  await sawMarker;
  monitor.disconnect();
  admin.disconnect();
  const operationCommands = seen.filter((name) => !['info', 'config', 'echo'].includes(name));
  const scripts = (stats['eval'] ?? 0) + (stats['evalsha'] ?? 0);
  expect(operationCommands.length, `commands seen by MONITOR: ${operationCommands.join(', ')}`).to.equal(
    scripts,
  );
  return scripts;
}

describe('round trips (real Redis, INFO commandstats)', function () {
  let server: RedisServer;
  let locker: Locker;
  before(async function () {
    server = await RedisServer.start();
    locker = createLocker(server.client(), { prefix: 'rt' });
    await (await locker.acquire('warm')).release(); // loads the scripts
  });
  after(async function () {
    await locker.close();
    await server.stop();
  });

  it('acquire, extend and release cost one command each', async function () {
    const held = await locker.acquire('a', { renew: false });
    expect(await commandsDuring(server, () => locker.acquire('b', { renew: false }))).to.equal(1);
    expect(await commandsDuring(server, () => held.extend())).to.equal(1);
    expect(await commandsDuring(server, () => held.release())).to.equal(1);
  });

  it('a refused tryAcquire or wait-0 acquire costs one command', async function () {
    await locker.acquire('busy', { renew: false });
    expect(await commandsDuring(server, () => locker.tryAcquire('busy'))).to.equal(1);
    expect(
      await commandsDuring(server, () => locker.acquire('busy', { wait: 0 }).catch(() => null)),
    ).to.equal(1);
  });

  it('a multi-key acquire is still one command', async function () {
    expect(await commandsDuring(server, () => locker.acquire(['x', 'y', 'z'], { renew: false }))).to.equal(1);
  });

  it('permits and read shares: acquire, extend, release and a refused attempt cost one command each', async function () {
    for (const mode of [{ limit: 2 }, { shared: true }]) {
      const key = `mode-${'limit' in mode ? 'permit' : 'share'}`;
      const held = await locker.acquire(key, { ...mode, renew: false });
      expect(await commandsDuring(server, () => held.extend())).to.equal(1);
      let next: Lock | undefined;
      expect(
        await commandsDuring(
          server,
          async () => (next = await locker.acquire(key, { ...mode, renew: false })),
        ),
      ).to.equal(1);
      expect(await commandsDuring(server, () => held.release())).to.equal(1);
      // Full (the second permit), or held by a writer: refused in one command.
      const blocker = 'limit' in mode ? await locker.acquire(key, { ...mode, renew: false }) : undefined;
      await next?.release();
      const writer = blocker ? undefined : await locker.acquire(key, { renew: false });
      const other = 'limit' in mode ? await locker.acquire(key, { ...mode, renew: false }) : undefined;
      expect(await commandsDuring(server, () => locker.tryAcquire(key, mode))).to.equal(1);
      await Promise.all([blocker?.release(), writer?.release(), other?.release()]);
    }
  });
});
