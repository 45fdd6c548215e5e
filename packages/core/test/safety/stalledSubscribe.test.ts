import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { useRedisServer } from '@deadbolt/testing';
import { expect } from 'chai';
import { createLocker } from '@deadbolt/core';

// Issue 17, defect 3: a wait that needs a new SUBSCRIBE had no bound. The first attempt is refused, then Redis
// stalls (SIGSTOP) before the waiter's subscription answers: the acquire must settle by `wait`/`signal` (plus
// one commandTimeout for a command in flight or the clean-up), while Redis is still stalled.
const WAIT_MS = 1_000;
const SIGNAL_MS = 1_500;
const COMMAND_TIMEOUT_MS = 1_000;
/** Only a hang fails this test; the measured time is printed, and bounded generously (a loaded 2-core machine). */
const HANG_MS = 15_000;
const SLACK_MS = 3_000;

describe('an acquire whose subscription Redis does not answer (real Redis, issue 17 defect 3)', function () {
  this.timeout(60_000);
  const redis = useRedisServer();

  for (const withSignal of [true, false]) {
    it(`settles by wait${withSignal ? '/signal' : ' (no signal)'} while Redis is stalled, not when it resumes`, async function () {
      const { server } = redis;
      const prefix = withSignal ? 'ss' : 'sn';
      const holders = createLocker(server.client(), { prefix });
      const locker = createLocker(server.client(), { prefix, commandTimeout: COMMAND_TIMEOUT_MS });
      await holders.acquire('k', { ttl: 30_000 });
      // Emitted right after the refused first attempt, before the pause subscribes: Redis stalls from here on.
      locker.once('waited', () => server.pause());
      const began = performance.now();
      const options = withSignal
        ? { wait: WAIT_MS, signal: AbortSignal.timeout(SIGNAL_MS) }
        : { wait: WAIT_MS };
      const bound = (withSignal ? SIGNAL_MS : WAIT_MS) + COMMAND_TIMEOUT_MS;
      const settled = locker.acquire('k', options).then(
        () => ({ error: undefined as unknown, at: performance.now() }),
        (error: unknown) => ({ error, at: performance.now() }),
      );
      const hang = delay(HANG_MS, 'hang' as const);
      const outcome = await Promise.race([settled, hang]);
      const stalledAtSettle = server.paused;
      server.resume();
      await settled;
      await Promise.all([holders.close(), locker.close()]);

      expect(outcome, `the acquire was still pending after ${HANG_MS} ms of stalled Redis`).to.not.equal(
        'hang',
      );
      if (outcome === 'hang') return;
      const took = Math.round(outcome.at - began);
      console.log(`      settled after ${took} ms (bound ${bound}) with ${String(outcome.error)}`);
      expect(stalledAtSettle, 'settled before Redis resumed').to.equal(true);
      expect(outcome.error, 'no lock while the holder holds it').to.be.instanceOf(Error);
      expect(took).to.be.below(bound + SLACK_MS);
    });
  }
});
