import { AsyncResource } from 'node:async_hooks';
import { createServer } from 'node:net';
import { assertLockCorrect, runChaos, simpleLockAdapter, type LockAdapter } from '@deadbolt/chaos';
import { expect } from 'chai';
import { Redis } from 'ioredis';

// The fake clock of a virtual-time run is global: while it is installed, every timer anyone sets lands on it.
// `pnpm test` once failed a correct run with "L4 2 timer(s) still pending": ioredis clients an earlier test file
// leaked were reconnecting, and their timers were counted as the run's. L4 counts only the run's own timers now;
// these tests keep both halves: foreign timers stay quiet, a lock's own leaked timers are still caught.

const correct = simpleLockAdapter('correct reference lock');
const noop = (): void => {};

/** The correct lock, with `onConnect` run in every client's `connect` (inside the run). */
function withConnect(name: string, onConnect: () => void): LockAdapter {
  return {
    ...correct,
    name,
    connect: (context) => {
      onConnect();
      return correct.connect(context);
    },
  };
}

/** A port nothing listens on (connections to it are refused at once). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('L4 counts only the run’s own timers', function () {
  this.timeout(120_000);

  it('a timer chain that other code started (a leaked client reconnecting) leaves a correct lock clean', async () => {
    // Created outside the run, as a client leaked by an earlier test is: its callbacks run in its context, here
    // entered from inside the run (as its socket's events would be) so that the timers surely land on the clock.
    const leakedClient = new AsyncResource('LeakedClient');
    let reconnects = 0;
    const reconnect = (): void => {
      reconnects += 1;
      setTimeout(reconnect, 50); // fired by the run's clock, it must re-arm as foreign, not as the run's
    };
    const lock = withConnect('correct lock beside a reconnecting client', () =>
      leakedClient.runInAsyncScope(() => setTimeout(reconnect, 50)),
    );
    await assertLockCorrect(lock, { runs: 20, seed: 1 });
    expect(reconnects, 'the foreign timers fired on virtual time').to.be.greaterThan(100);
  });

  it('a real ioredis client leaked before the run, reconnecting to a closed port, leaves a correct lock clean', async () => {
    const leaked = new Redis({ port: await closedPort(), host: '127.0.0.1', retryStrategy: () => 1 });
    let attempts = 0;
    leaked.on('error', noop).on('reconnecting', () => (attempts += 1));
    try {
      await assertLockCorrect(correct, { runs: 40, seed: 2 });
    } finally {
      leaked.disconnect();
    }
    expect(attempts, 'the client kept reconnecting during the runs').to.be.greaterThan(5);
  });

  it('a lock that leaves its own interval running is still L4, counted without the foreign timers', async () => {
    const leakedClient = new AsyncResource('LeakedClient');
    const lock = withConnect('heartbeat never stopped', () => {
      leakedClient.runInAsyncScope(() => setInterval(noop, 30));
      // The lock's own, set one step removed (from a timer callback of the run): still the run's.
      setTimeout(() => setInterval(noop, 100), 1);
    });
    const result = await runChaos({ lock, runs: 5, seed: 1, shrink: false });
    expect(result.verdict, result.summary).to.equal('fail');
    const l4 = result.violations.filter((v) => v.invariant === 'L4').map((v) => v.message);
    expect(l4).to.deep.equal(['5 timer(s) still pending after every client closed']);
  });
});
