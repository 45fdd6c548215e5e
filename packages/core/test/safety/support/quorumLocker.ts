import type { Redis } from 'ioredis';
import { RedisMasters } from '@deadbolt/testing';
import { detectDriver, type LockerOptions } from '../../../src/index.js';
import { QuorumBackend } from '../../../src/backend/QuorumBackend.js';
import { resolveLockerConfig } from '../../../src/config/config.js';
import { Locker } from '../../../src/Locker.js';
import { newLockerTag } from '../../../src/keys/token.js';
import { BackoffWait } from '../../../src/wait/BackoffWait.js';

/**
 * A quorum locker built as `createLocker(clients, options)` builds it, with its backend in reach, so a test can
 * read the backend's internal bookkeeping (`trackedLeases`), which the public API does not show.
 */
export function quorumLocker(
  clients: readonly Redis[],
  options: LockerOptions = {},
): { locker: Locker; backend: QuorumBackend } {
  const config = resolveLockerConfig(options);
  const backend = new QuorumBackend(
    clients.map((client) => detectDriver(client).scripts),
    config.commandTimeout,
    config.ttl,
  );
  return { locker: new Locker(config, backend, new BackoffWait(), newLockerTag()), backend };
}

/** What {@link useQuorumLocker} sets up for each test of a suite (filled in by its `before` hook). */
export interface QuorumFixture {
  masters: RedisMasters;
  /** One connected ioredis client per master: the locker's own connections. */
  clients: Redis[];
  locker: Locker;
  backend: QuorumBackend;
}

/**
 * Mocha hooks for a suite: starts `count` real masters and a {@link quorumLocker} on them before it, closes and
 * stops them after it.
 */
export function useQuorumLocker(count: number, options: LockerOptions = {}): QuorumFixture {
  const fixture = {} as QuorumFixture;
  before(async () => {
    fixture.masters = await RedisMasters.start(count);
    fixture.clients = fixture.masters.clients();
    await Promise.all(fixture.clients.map((client) => client.ping()));
    Object.assign(fixture, quorumLocker(fixture.clients, options));
  });
  after(async () => {
    await fixture.locker.close();
    await fixture.masters.stop();
  });
  return fixture;
}
