import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from './chai.js';
import { freePort, RedisServer, runningRedisPids, waitUntil } from '../src/index.js';
import { connectErrorCode, processGone } from './helpers.js';

describe('RedisServer', () => {
  it('starts on a free loopback port (never 6379), answers PING, and stops', async () => {
    const server = await RedisServer.start();
    try {
      expect(server.port).to.be.a('number').and.not.equal(6379);
      expect(server.host).to.equal('127.0.0.1');
      expect(server.url).to.equal(`redis://127.0.0.1:${server.port}`);
      expect(server.running).to.equal(true);
      expect(server.pid).to.be.a('number');
      expect(runningRedisPids()).to.include(server.pid);
      expect(await server.client().ping()).to.equal('PONG');
    } finally {
      await server.stop();
    }
    expect(server.running).to.equal(false);
    expect(server.pid).to.equal(undefined);
  });

  it('starts without persistence and with DEBUG enabled', async () => {
    await using server = await RedisServer.start();
    const client = server.client();
    expect(await client.config('GET', 'save')).to.deep.equal(['save', '']);
    expect(await client.config('GET', 'appendonly')).to.deep.equal(['appendonly', 'no']);
    expect(await client.call('DEBUG', 'SLEEP', '0')).to.equal('OK');
  });

  it('pause() stalls the server (PING times out) and resume() brings it back', async () => {
    await using server = await RedisServer.start();
    const client = server.client({ commandTimeout: 200 });
    expect(await client.ping()).to.equal('PONG');
    server.pause();
    expect(server.paused).to.equal(true);
    expect(server.running).to.equal(true);
    await expect(client.ping()).to.be.rejectedWith(/timed out/i);
    server.resume();
    expect(server.paused).to.equal(false);
    expect(await client.ping()).to.equal('PONG');
  });

  it('kill() refuses connections; restart() comes back on the same port with an empty dataset', async () => {
    await using server = await RedisServer.start();
    const early = server.client();
    await early.set('survivor', 'no');
    const { port, pid } = server;
    await server.kill();
    expect(server.running).to.equal(false);
    expect(server.pid).to.equal(undefined);
    expect(processGone(pid ?? -1)).to.equal(true);
    expect(await connectErrorCode(port)).to.equal('ECONNREFUSED');

    await server.restart();
    expect(server.port).to.equal(port);
    expect(server.pid).to.be.a('number').and.not.equal(pid);
    const late = server.client();
    expect(await late.get('survivor')).to.equal(null);
    expect(await late.dbsize()).to.equal(0);
    // A client made before the kill reconnects on its own.
    await waitUntil(async () => (await early.ping()) === 'PONG', { description: 'old client to reconnect' });
  });

  it('restart() of a running server replaces the process', async () => {
    await using server = await RedisServer.start();
    const before = server.pid;
    await server.restart();
    expect(server.pid).to.be.a('number').and.not.equal(before);
    expect(processGone(before ?? -1)).to.equal(true);
    expect(await server.client().ping()).to.equal('PONG');
  });

  it('commandStats() counts calls per lower-case command after resetStats()', async () => {
    await using server = await RedisServer.start();
    const client = server.client();
    await client.get('k');
    await server.resetStats();
    for (let i = 0; i < 3; i++) await client.set('k', String(i));
    const stats = await server.commandStats();
    expect(stats.set).to.equal(3);
    expect(stats).to.not.have.property('get');
  });

  it('cpuSeconds() grows while the server works', async () => {
    await using server = await RedisServer.start();
    const client = server.client();
    const before = await server.cpuSeconds();
    const script = 'local n = 0 for i = 1, 3000000 do n = n + i end return n';
    await client.eval(script, 0);
    expect(before).to.be.a('number').and.at.least(0);
    expect(await server.cpuSeconds()).to.be.greaterThan(before);
  });

  it('stop() is idempotent and disconnects clients and removes the tmp dir', async () => {
    const server = await RedisServer.start();
    const client = server.client();
    await client.ping();
    const { pid, dir } = server;
    expect(existsSync(dir)).to.equal(true);
    await Promise.all([server.stop(), server.stop()]);
    await server.stop();
    expect(server.running).to.equal(false);
    expect(processGone(pid ?? -1)).to.equal(true);
    expect(existsSync(dir)).to.equal(false);
    expect(client.status).to.equal('end');
    expect(() => server.client()).to.throw(/stopped/);
    await expect(server.restart()).to.be.rejectedWith(/stopped/);
  });

  it('stop() of a paused server resumes it first so it exits', async () => {
    const server = await RedisServer.start();
    const pid = server.pid ?? -1;
    server.pause();
    await server.stop();
    expect(server.paused).to.equal(false);
    expect(processGone(pid)).to.equal(true);
  });

  it('stops the server when an `await using` block throws', async () => {
    let pid: number | undefined;
    const run = async (): Promise<void> => {
      await using server = await RedisServer.start();
      pid = server.pid;
      throw new Error('test body failed');
    };
    await expect(run()).to.be.rejectedWith('test body failed');
    expect(pid).to.be.a('number');
    expect(() => process.kill(pid ?? -1, 0))
      .to.throw()
      .with.property('code', 'ESRCH');
  });

  it('uses an explicit port, and fails clearly when that port is taken', async () => {
    // Another process may take the free port before the server binds it (other suites start servers too): that
    // start fails as the second one below must; then the test takes another port, as start() does without one.
    let port = await freePort();
    let started: RedisServer | undefined;
    for (let attempt = 1; !started; attempt++) {
      try {
        started = await RedisServer.start({ port });
      } catch (error) {
        if (attempt >= 5 || !/Address already in use/.test(String(error))) throw error;
        port = await freePort();
      }
    }
    await using server = started;
    expect(server.port).to.equal(port);
    await expect(RedisServer.start({ port })).to.be.rejectedWith(/Address already in use/);
  });

  it('reports a process that exits during startup, with its exit status', async () => {
    await expect(RedisServer.start({ args: ['--no-such-directive', 'x'] })).to.be.rejectedWith(
      /exited during startup \(code 1/,
    );
  });

  it('gives up after startTimeoutMs and kills a process that never answers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'deadbolt-fake-redis-'));
    const fake = join(dir, 'fake-redis-server');
    await writeFile(fake, '#!/bin/sh\nexec sleep 30\n');
    await chmod(fake, 0o755);
    const before = runningRedisPids().length;
    try {
      await expect(RedisServer.start({ binary: fake, startTimeoutMs: 300 })).to.be.rejectedWith(
        /did not answer PING within 300 ms/,
      );
      expect(runningRedisPids()).to.have.length(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
