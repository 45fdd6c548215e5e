import { fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker, HEARTBEAT_MS, QUEUE_ENTRY_MS } from '@deadbolt/core';

const WAITING_PROCESS = fileURLToPath(new URL('./support/waitingProcess.ts', import.meta.url));

describe('a waiter process killed while queued (real Redis)', function () {
  const redis = useRedisServer();

  it('delays the next waiter by no more than its queue entry’s lifetime, and leaves no entry', async function () {
    const admin = redis.server.client();
    const queue = 'dw:{k}:queue';
    const holderLocker = createLocker(redis.server.client(), { prefix: 'dw' });
    const holder = await holderLocker.acquire('k');
    const child = fork(WAITING_PROCESS, [redis.server.url, 'dw', 'k'], {
      execArgv: ['--import=tsx', '--conditions=source'],
      stdio: 'ignore',
    });
    try {
      await waitUntil(async () => (await admin.zcard(queue)) === 1, { description: 'the child queued' });
      const [dead] = await admin.zrange(queue, 0, 0);
      child.kill('SIGKILL');
      await once(child, 'exit');

      const live = createLocker(redis.server.client(), { prefix: 'dw' });
      // The documented bound: the dead entry lives QUEUE_ENTRY_MS after its last attempt, and the live waiter
      // tries again at least every HEARTBEAT_MS. A LockBusyError here would mean the queue stayed blocked.
      const waiting = live.acquire('k', { wait: QUEUE_ENTRY_MS + 2 * HEARTBEAT_MS + 2_000 });
      await waitUntil(async () => (await admin.zcard(queue)) === 2, {
        description: 'the live waiter queued',
      });
      await holder.release();
      const released = performance.now();
      const lock = await waiting;
      const delay = performance.now() - released;
      expect(lock.held).to.equal(true);
      // The README's bound, measured from the release: the dead entry's remaining life plus one heartbeat of the
      // live waiter (1.9 s), with 1 s to spare for a loaded machine.
      expect(delay, 'delay from the release to the grant, ms').to.be.at.most(
        QUEUE_ENTRY_MS + HEARTBEAT_MS + 1_000,
      );
      expect(await admin.zscore(queue, dead ?? '')).to.equal(null);
      await lock.release();
      expect(await admin.exists(queue, 'dw:{k}:queue-expiry')).to.equal(0);
      await Promise.all([holderLocker.close(), live.close()]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
