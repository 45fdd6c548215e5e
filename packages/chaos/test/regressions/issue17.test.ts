import { expect } from 'chai';
import { ALL_FAULTS, runChaos, type ChaosOptions } from '@deadbolt/chaos';
import { explain } from '../support/explain.js';

// Issue 17: the seeds with which the harness found defects 1-4 on the unfixed code (see issue17.md, which gives
// each command and the violations the unfixed code produced). Each replays its schedule and expects a CLEAN
// verdict. On the branch that added the faults (harness-faults, without the fixes of core) these tests FAIL by
// design: they pass once the fixes of issue 17 are merged. The real-Redis ones replay the same schedule, not the
// same timing (see the README, "Cost"): one replay of the defect 2 and defect 4 seeds on the unfixed code was
// clean, so those two do not yet tell the fixed code from the unfixed (issue17.md, "Replaying them").

interface Regression {
  readonly defect: string;
  readonly options: ChaosOptions;
}

const regressions: Regression[] = [
  {
    defect: '1, virtual time: a stale hand-over to a waiter stalled past the provisional lease',
    options: {
      faults: [...ALL_FAULTS, 'waiterStall'],
      ttl: { min: 1500, max: 3000 },
      clients: 3,
      seed: 1,
      path: '18:0:14:11:8:9:10:7:7:7:7:7:7:7:11:9:8:13:7:7:7:14:7:7:7:7:7:17:7:17:7:17:7:17:7:17:7:17:7:15:7:8:7:7:7:17:7:17:7:17:7:17:7:17:7:17:7:15:7:8:7:7:7:15:7:7:8:7:7:17:7:17:8:7:17:7:20',
      replayPath: '////K:f',
    },
  },
  {
    defect: '1, real Redis, SIGSTOP of a child client process',
    options: {
      backend: 'redis',
      processes: 'child',
      faults: ['waiterStall'],
      ttl: { min: 1500, max: 3000 },
      clients: 3,
      operations: 25,
      seed: 17,
      path: '11',
      replayPath: ':',
    },
  },
  {
    defect: "2, real Cluster: a single-key fence below an abandoned multi-slot grant's",
    options: {
      backend: 'redis',
      topology: 'cluster',
      faults: ['multiSlot'],
      contention: false,
      clients: 2,
      operations: 8,
      seed: 5,
      path: '1',
      replayPath: ':',
    },
  },
  {
    defect: '3, real Redis: a Redis stall right after a refused attempt (a new SUBSCRIBE) outlasts the wait',
    options: {
      backend: 'redis',
      faults: ['redisStallOnWait'],
      contention: false,
      clients: 2,
      operations: 10,
      seed: 5,
      path: '6',
      replayPath: ':',
    },
  },
  {
    defect: '4, real Redis: an acquire re-sent after a reconnect leaves a lease nobody holds',
    options: {
      backend: 'redis',
      faults: ['dropInFlight'],
      clients: 3,
      operations: 20,
      seed: 17,
      path: '4',
      replayPath: ':',
    },
  },
];

describe('issue 17 regressions: the seeds that found defects 1-4 replay clean', function () {
  this.timeout(300_000);

  for (const { defect, options } of regressions) {
    it(`defect ${defect}`, async () => {
      const result = await runChaos({ ...options, runs: 1, shrink: false });
      expect(result.verdict, explain(result)).to.equal('pass');
    });
  }
});
