import { expect } from 'chai';
import { requireExclusive, UnsupportedModeError } from '../bench/src/libraries/LockLibrary.js';
import { fairBoundMs, SCENARIOS, selectScenarios, type Scenario } from '../bench/src/scenarios.js';
import { acquireModes } from '../bench/src/worker/acquireModes.js';

/** The scenario with `id`; fails when there is none. */
function scenario(id: Scenario['id']): Scenario {
  const found = SCENARIOS.find((candidate) => candidate.id === id);
  expect(found, id).to.not.equal(undefined);
  return found as Scenario;
}

describe('bench: the semaphore and read-write scenarios (issue 21)', function () {
  it('takes a read share for exactly 9 of every 10 consecutive acquires at a ratio of 0.9, for every client', function () {
    for (let index = 0; index < 16; index++) {
      const next = acquireModes({ sharedRatio: 0.9 }, index);
      const shared = Array.from({ length: 200 }, () => next()?.shared === true);
      for (let start = 0; start + 10 <= shared.length; start++) {
        const inWindow = shared.slice(start, start + 10).filter(Boolean).length;
        expect(inWindow, `client ${index}, acquires ${start}…${start + 9}`).to.equal(9);
      }
    }
  });

  it('staggers the clients, so that their write turns do not all coincide', function () {
    const firstWrite = Array.from({ length: 4 }, (_, index) => {
      const next = acquireModes({ sharedRatio: 0.9 }, index);
      return Array.from({ length: 10 }, () => next()).findIndex((mode) => mode === undefined);
    });
    expect(
      new Set(firstWrite).size,
      `first exclusive acquire per client: ${firstWrite.join(', ')}`,
    ).to.be.greaterThan(1);
  });

  it('asks for a permit of the limit on every acquire, and for no mode without one', function () {
    const permit = acquireModes({ limit: 4 }, 0);
    expect([permit(), permit()]).to.deep.equal([{ limit: 4 }, { limit: 4 }]);
    expect(acquireModes(undefined, 3)()).to.equal(undefined);
  });

  it('selects each scenario by its id, and runs both by default', function () {
    expect(selectScenarios(['semaphore']).map((s) => s.id)).to.deep.equal(['semaphore']);
    expect(selectScenarios(['read-write']).map((s) => s.id)).to.deep.equal(['read-write']);
    expect(selectScenarios([]).map((s) => s.id)).to.include.members(['semaphore', 'read-write']);
  });

  it('bounds a fair wait by ⌈clients ÷ limit⌉ holds: 20 ms for 16 clients on 4 permits, 80 ms on the mutex', function () {
    expect(fairBoundMs(scenario('semaphore'))).to.equal(20);
    expect(fairBoundMs(scenario('one-key'))).to.equal(80);
  });

  it('measures deadbolt against redis-semaphore on 4 permits, and against itself as a mutex on 90 % reads', function () {
    expect(scenario('semaphore')).to.include({
      processes: 4,
      clientsPerProcess: 4,
      holdMs: 5,
      sharedKey: true,
    });
    expect(scenario('semaphore').mode).to.deep.equal({ limit: 4 });
    expect(scenario('semaphore').libraries).to.include.members(['deadbolt', 'redis-semaphore']);
    expect(scenario('read-write').mode).to.deep.equal({ sharedRatio: 0.9 });
    expect(scenario('read-write').libraries).to.deep.equal(['deadbolt', 'deadbolt-mutex']);
  });

  it('refuses a permit or a read share in a library that has only the exclusive lock', function () {
    expect(() => requireExclusive('redlock', { limit: 4 }))
      .to.throw(UnsupportedModeError, 'redlock has no semaphore (limit 4)')
      .with.property('code', 'ERR_BENCH_MODE');
    expect(() => requireExclusive('redlock', { shared: true })).to.throw('redlock has no read-write lock');
    expect(() => requireExclusive('redlock', { limit: 1 })).not.to.throw();
    expect(() => requireExclusive('redlock', undefined)).not.to.throw();
  });
});
