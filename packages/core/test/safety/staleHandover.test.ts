import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useRedisServer, waitUntil } from '@deadbolt/testing';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createLocker, type Locker } from '@deadbolt/core';
import { WaiterProcess } from './support/waiterProcess.js';

// Issue 17, defect 1. H holds k; W (in a child process) waits first, hand-over eligible; X waits second. W's process
// stalls just before H releases: the release hands k to W with a provisional lease, which runs out while W is
// stalled, and X is granted k. When W runs again it must not take the stale hand-over as a grant. The same holds
// for a semaphore of one permit, whose release hands the permit over in its own script (modeRelease.ts).
const TRIALS = 20;
const PREFIX = 'sh';
const TTL = 10_000;

interface Stall {
  readonly name: string;
  readonly key: string;
  /** `trial` names the trial uniquely across tests (the files of a block are named after it). */
  begin(waiter: WaiterProcess, trial: string): Promise<void>;
  end(waiter: WaiterProcess, trial: string): void;
}

const files = mkdtempSync(join(tmpdir(), 'deadbolt-stale-handover-'));
const STALLS: readonly Stall[] = [
  {
    name: 'a synchronous block of its event loop',
    key: 'block',
    async begin(waiter, trial) {
      const marker = join(files, `blocking-${trial}`);
      waiter.send({ type: 'block', marker, until: join(files, `unblock-${trial}`) });
      await waitUntil(() => existsSync(marker), { description: 'the waiter to block', intervalMs: 2 });
    },
    end(_waiter, trial) {
      writeFileSync(join(files, `unblock-${trial}`), '');
    },
  },
  {
    name: 'SIGSTOP and SIGCONT',
    key: 'sigstop',
    begin: (waiter) => waiter.stop(),
    end: (waiter) => waiter.resume(),
  },
];

/** The mutex, and a semaphore of one permit: one holder at a time either way. */
const MODES: readonly { readonly name: string; readonly mode: { readonly limit?: number } }[] = [
  { name: 'the mutex', mode: {} },
  { name: 'a semaphore (limit 1)', mode: { limit: 1 } },
];

describe('a waiter stalled while a release hands it the lock (real Redis, issue 17 defect 1)', function () {
  this.timeout(300_000);
  const redis = useRedisServer();
  let admin: Redis;
  before(function () {
    admin = redis.server.client();
  });
  after(function () {
    admin.disconnect();
    rmSync(files, { recursive: true, force: true });
  });

  for (const stall of STALLS)
    for (const { name, mode } of MODES) {
      it(`never takes the stale hand-over of ${name} as a grant: ${TRIALS} trials with ${stall.name}`, async function () {
        const waiter = await WaiterProcess.start(redis.server.url, PREFIX);
        const holders: Locker = createLocker(redis.server.client(), { prefix: PREFIX });
        const others: Locker = createLocker(redis.server.client(), { prefix: PREFIX });
        const violations: string[] = [];
        try {
          for (let trial = 0; trial < TRIALS; trial += 1) {
            const key = `${stall.key}${mode.limit ?? ''}-${trial}`;
            const violation = await staleHandoverTrial(key, key);
            if (violation) violations.push(`trial ${trial}: ${violation}`);
          }
        } finally {
          await waiter.kill();
          await Promise.all([holders.close(), others.close()]);
        }
        expect(
          violations,
          `W believed a stale hand-over in ${violations.length}/${TRIALS} trials`,
        ).to.deep.equal([]);

        async function staleHandoverTrial(key: string, trial: string): Promise<string | undefined> {
          const queue = `${PREFIX}:{${key}}:queue`;
          const expiry = `${PREFIX}:{${key}}:queue-expiry`;
          const lease = `${PREFIX}:{${key}}`;
          const h = await holders.acquire(key, { ttl: TTL, ...mode });
          waiter.send({ type: 'acquire', key, ttl: TTL, wait: 60_000, ...mode });
          await waitUntil(async () => (await admin.zcard(queue)) === 1, { description: 'W queued' });
          const [wToken = ''] = await admin.zrange(queue, 0, 0);
          const xAcquire = others.acquire(key, { ttl: TTL, wait: 60_000, ...mode });
          await waitUntil(async () => (await admin.zcard(queue)) === 2, { description: 'X queued' });

          await stall.begin(waiter, trial);
          await h.release(); // hands k to W (stalled) with the provisional lease
          const handed = mode.limit
            ? (await admin.zscore(`${lease}:holders`, wToken)) !== null
            : (await admin.get(lease)) === wToken;
          if (!handed) {
            stall.end(waiter, trial);
            return 'the release did not hand k to W';
          }
          const x = await xAcquire; // granted once that lease ran out
          stall.end(waiter, trial);

          // W runs again. Wait until it reports a lock, or has made two more attempts (two refreshes of its queue
          // entry): a stale hand-over is believed, if at all, right after W's first attempt after the stall.
          const acquired = (report: { type: string; key?: string }): boolean =>
            (report.type === 'acquired' || report.type === 'failed') && report.key === key;
          const scores = new Set<string>();
          await waitUntil(
            async () => {
              if (waiter.find(acquired)) return true;
              const score = await admin.zscore(expiry, wToken);
              if (score !== null) scores.add(score);
              return scores.size >= 2;
            },
            { description: 'W to settle or attempt twice', timeoutMs: 15_000, intervalMs: 5 },
          ).catch(async (error: unknown) => {
            const state = {
              scores: [...scores],
              lease: await admin.get(lease),
              x: x.token,
              w: wToken,
              queue: await admin.zrange(queue, 0, -1),
            };
            throw new Error(`${String(error)}: ${JSON.stringify(state)}`);
          });
          const early = waiter.find(acquired);
          const leaseAtReport = early ? await admin.get(lease) : undefined;
          await x.release();
          const report = await waiter.report(acquired, 'W to acquire after X released');
          if (report.type !== 'acquired') return `W failed: ${JSON.stringify(report)}`;
          waiter.send({ type: 'release', key });
          await waiter.report((r) => r.type === 'released' && r.key === key, 'W to release');
          if (early)
            return `W resolved while Redis held ${leaseAtReport === x.token ? "X's" : String(leaseAtReport)} lease: W fence ${report.fence}, X fence ${x.fence}, remaining ${report.remaining}`;
          if (report.fence <= x.fence) return `W fence ${report.fence} not above X's ${x.fence}`;
          return undefined;
        }
      });
    }
});
