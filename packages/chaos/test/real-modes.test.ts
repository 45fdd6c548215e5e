import { expect } from 'chai';
import { runChaos, type ChaosOptions } from '@deadbolt/chaos';
import { explain } from './support/explain.js';

// Issue 21 on the real backend: deadbolt's semaphore and read-write lock against redis-server processes, each
// client behind its own TCP fault proxy, with the real backend's faults. Kept short, as real.test.ts is (few
// schedules, ttl 500 ms); a failure prints the summary with its seed and the counterexample.

describe('counted modes on the real backend (redis-server, fault proxy)', function () {
  this.timeout(180_000);

  const runs: [string, ChaosOptions][] = [
    ['semaphore (limit 3) on a single node', { limit: 3, topology: 'single' }],
    ['read-write lock (shared ratio 0.5) on a single node', { sharedRatio: 0.5, topology: 'single' }],
    ['read-write lock (shared ratio 0.5) on the Cluster', { sharedRatio: 0.5, topology: 'cluster' }],
    // The mode crosses the IPC channel to clients in child processes.
    ['semaphore (limit 2) with clients in child processes', { limit: 2, processes: 'child' }],
  ];
  for (const [name, options] of runs) {
    it(`deadbolt's ${name} passes with faults within its bounds`, async () => {
      const result = await runChaos({
        ...options,
        backend: 'redis',
        runs: 3,
        clients: 3,
        operations: 20,
        ttl: 500,
        seed: 21,
      });
      expect(result.verdict, explain(result)).to.equal('pass');
      expect(result.statistics.schedules).to.equal(3);
      expect(result.statistics.grants, 'the lock was granted').to.be.greaterThan(0);
    });
  }
});
