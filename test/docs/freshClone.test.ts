// What a newcomer does: clone the repository (its committed HEAD; uncommitted changes are not part of it),
// `pnpm install` (from the lockfile and the warm store, offline), then run what the READMEs say: the demo with
// and without REDIS_URL, the example servers, the chaos CLI before any build. Each documented command runs as
// listed in support/docCommands.ts; a REDIS_URL in it is pointed at a redis-server this test starts, and the
// test checks that this server did the work.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lockKeys } from '@deadbolt/core';
import { RedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { run } from '../packaging/support/run.js';
import { RUN_ON_FRESH_CLONE, type RunCommand } from './support/docCommands.js';
import { ROOT } from './support/docFiles.js';

/** The environment of a new shell: none of the outer `pnpm test`'s npm_* variables, no REDIS_URL. */
function shellEnvironment(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(npm_|PNPM_SCRIPT|INIT_CWD$|REDIS_URL$|NODE_OPTIONS$)/.test(name),
    ),
  );
  return { ...env, ...extra };
}

/** A shell command started in its own process group, with its output collected. */
function start(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn('sh', ['-c', command], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const watchers = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const watcher of watchers) watcher();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let done = false;
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      for (const watcher of watchers) watcher();
      resolve(code ?? (signal === null ? 1 : 128));
    }),
  );
  return {
    output: () => output,
    exited,
    /** Resolves with the match once `pattern` shows up in the output; rejects if the command exits or `ms` pass first. */
    waitFor: (pattern: RegExp, ms: number) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`no ${String(pattern)} after ${ms} ms:\n${output}`)),
          ms,
        );
        const finish = (result: RegExpExecArray | Error) => {
          clearTimeout(timer);
          watchers.delete(check);
          if (result instanceof Error) reject(result);
          else resolve(result);
        };
        const check = () => {
          const match = pattern.exec(output);
          if (match !== null) finish(match);
          else if (done) finish(new Error(`exited without printing ${String(pattern)}:\n${output}`));
        };
        watchers.add(check);
        check();
      }),
    /** Ends the whole process group (sh and the node it started). */
    stop: async () => {
      if (child.pid !== undefined && !done) process.kill(-child.pid, 'SIGTERM');
      await exited;
    },
  };
}

describe('docs: a newcomer on a fresh clone', function () {
  this.timeout(240_000);
  let clone: string;
  let server: RedisServer;
  let head: string;

  before(async function () {
    this.timeout(600_000);
    head = (await run('git', ['rev-parse', 'HEAD'], { cwd: ROOT })).stdout.trim();
    clone = await mkdtemp(join(tmpdir(), 'deadbolt-fresh-clone-'));
    await run('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], { cwd: tmpdir() });
    await run('git', ['checkout', '--quiet', head], { cwd: clone });
    await run('pnpm', ['install', '--frozen-lockfile', '--offline'], {
      cwd: clone,
      env: shellEnvironment(),
      timeout: 600_000,
    });
    server = await RedisServer.start();
  });
  after(async () => {
    await server?.stop();
    if (clone !== undefined) await rm(clone, { recursive: true, force: true });
  });

  it('is the committed HEAD, installed, with nothing built', async () => {
    expect((await run('git', ['rev-parse', 'HEAD'], { cwd: clone })).stdout.trim()).to.equal(head);
    expect(existsSync(join(clone, 'node_modules', '.bin', 'deadbolt-chaos'))).to.equal(true);
    for (const dir of ['core', 'http', 'express', 'koa', 'fastify', 'hono', 'testing', 'chaos'])
      expect(existsSync(join(clone, 'packages', dir, 'dist')), `packages/${dir}/dist`).to.equal(false);
  });

  for (const entry of RUN_ON_FRESH_CLONE) {
    it(`${entry.command}${entry.run ? `  (runs: ${entry.run.command})` : ''}`, async () => {
      await runDocumented(entry);
    });
  }

  /** Lock scripts (EVAL + EVALSHA) the test's redis-server ran since the last reset. */
  /** The lease of the examples' lock on alice's account (their locker's default prefix). */
  const LEASE_OF_ALICE = lockKeys('deadbolt', 'account:alice').lease;

  async function lockScripts(): Promise<number> {
    const stats = await server.commandStats();
    return (stats['eval'] ?? 0) + (stats['evalsha'] ?? 0);
  }

  async function runDocumented(entry: RunCommand): Promise<void> {
    const documented = entry.run?.command ?? entry.command;
    const usesRedis = /^REDIS_URL=\S+ /.test(documented);
    const command = documented.replace(/^REDIS_URL=\S+ /, `REDIS_URL=${server.url} `);
    await server.resetStats();
    if (entry.expect.kind === 'exits') {
      const process = start(command, clone, shellEnvironment());
      const code = await process.exited;
      const output = process.output();
      expect(code, `${command} exited ${code}:\n${output}`).to.equal(entry.expect.exit);
      for (const pattern of entry.expect.prints) expect(output, command).to.match(pattern);
      if (usesRedis) expect(await lockScripts(), 'lock scripts run on REDIS_URL').to.be.at.least(50);
      return;
    }
    const app = start(command, clone, shellEnvironment({ PORT: '0' }));
    try {
      const [, port] = await app.waitFor(/bank on http:\/\/localhost:(\d+) /, 120_000);
      for (const pattern of entry.expect.prints) expect(app.output(), command).to.match(pattern);
      const response = await fetch(`http://127.0.0.1:${port}/accounts/alice/withdraw`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ amount: 10 }),
      });
      const body = (await response.json()) as { balance?: number; fence?: number | null };
      expect(response.status, JSON.stringify(body)).to.equal(200);
      expect(body.balance).to.equal(90);
      // LOCKED=false serves without the middleware (no fence); otherwise the withdrawal ran under a lock.
      expect(typeof body.fence, JSON.stringify(body)).to.equal(
        command.startsWith('LOCKED=false') ? 'object' : 'number',
      );
      if (usesRedis) {
        expect(await lockScripts(), 'lock scripts run on REDIS_URL').to.be.greaterThan(0);
        // The lock is released after the response (not left to expire): the next app on this server finds the
        // account free. Stopping the app before the release left a lease that made the next app's request 409.
        const admin = server.client();
        await waitUntil(async () => (await admin.exists(LEASE_OF_ALICE)) === 0, {
          timeoutMs: 10_000,
          description: "the withdrawal's lock to be released",
        }).finally(() => admin.disconnect());
      }
    } finally {
      await app.stop();
    }
  }
});
