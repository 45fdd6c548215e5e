import type { AttemptRequest, AttemptResult, LockBackend } from '../backend/LockBackend.js';
import type { LockTarget } from '../keys/target.js';
import { fenceTtl } from '../lease/fenceCounter.js';
import type { LockError } from '../errors/LockError.js';
import type { QuorumNodeResult } from '../errors/QuorumError.js';
import type { Script } from '../redis/Script.js';
import type { ScriptRunner } from '../redis/ScriptRunner.js';
import { ACQUIRE, attemptFlags, parseAttempt } from '../scripts/acquire.js';
import { CONFIRM_FENCE } from '../scripts/confirmFence.js';
import { DROP_LEASE } from '../scripts/dropLease.js';
import { QUORUM_EXTEND } from '../scripts/quorumExtend.js';
import { QUORUM_RELEASE } from '../scripts/quorumRelease.js';
import { parseRelease, releaseFlags } from '../scripts/release.js';
import { collectVotes, type Answer, type Ballot } from './collectVotes.js';

/** What runs a part's scripts: a {@link ScriptRunner}, or one that also confirms writes with replicas. */
export type PartRunner = Pick<ScriptRunner, 'run'>;

/** One part of a lock: a node (quorum) or a slot (multi-slot Cluster lock), with the keys it holds there. */
export interface VotingPart {
  readonly node: number;
  readonly runner: PartRunner;
  readonly target: LockTarget;
}

/** What distinguishes a quorum from a multi-slot Cluster lock. */
export interface VotingRules {
  readonly sharded: boolean;
  /** The parts a lock is split into. */
  parts(target: LockTarget): readonly VotingPart[];
  /** How many of `count` parts must agree. */
  required(count: number): number;
  /** The time one part may take for an operation on a lease of `ttl` ms. */
  timeout(ttl: number): number;
  /** The error when failing parts prevent agreement. */
  failure(message: string, nodes: readonly QuorumNodeResult[]): LockError;
  /**
   * Whether a grant writes the lock's fence to every part (`CONFIRM_FENCE`, one more parallel round trip)
   * before it is returned, so that a later grant on any part is higher even if the holder never extends nor
   * releases. A multi-slot Cluster lock needs it: each slot counts from its own fence, with no clock floor.
   */
  readonly confirmFence: boolean;
}

/** What this backend remembers of a token's lease. */
interface LeaseEntry {
  fence: number;
  ttl: number;
  /** Whether the token may be queued on some part (an earlier attempt queued it, or a part refused or failed). */
  queued: boolean;
}

/**
 * A lock held on several parts, each granted separately: a grant needs `required` parts, decided as soon as
 * known. The fence is the highest fence among the granting parts; extend and release push it to every part
 * (with `confirmFence`, the grant itself does before it is returned). A failed attempt deletes its partial
 * grants on every part (also those that failed or did not answer yet).
 */
export class VotingBackend implements LockBackend {
  readonly sharded: boolean;
  readonly #rules: VotingRules;
  readonly #defaultTtl: number;
  /**
   * By token: every lease this backend granted and has not released yet, every attempt in flight, and every
   * failed attempt until the clean-up release that follows it. An attempt stores its entry before its first
   * command, so a release that comes while it is in flight (an aborted acquire) finds its ttl and removes it;
   * the attempt's late answer then updates an entry that is no longer stored.
   */
  readonly #leases = new Map<string, LeaseEntry>();

  constructor(rules: VotingRules, defaultTtl: number) {
    this.sharded = rules.sharded;
    this.#rules = rules;
    this.#defaultTtl = defaultTtl;
  }

  async attempt({ target, token, ttl, fair, wait, queued = true }: AttemptRequest): Promise<AttemptResult> {
    const parts = this.#rules.parts(target);
    const required = this.#rules.required(parts.length);
    const timeout = this.#rules.timeout(ttl);
    // Strict FIFO across parts could deadlock (each part may see another waiter first), so parts never let
    // their queue head block a grant; waiters still queue so that a release wakes one of them.
    const fairHere = fair && parts.length === 1;
    // A part that refuses (or fails, or answers after the majority) may have queued the token: its release must
    // clean the queues then. Parts answering late still mark the lease they were granted.
    const lease: LeaseEntry = { fence: 0, ttl, queued };
    this.#leases.set(token, lease);
    const mayQueue = (): void => void (lease.queued = true);
    const script = ACQUIRE.get(
      attemptFlags({ fair: fairHere, wait, handOver: false, queued: true, clockFloor: true }),
    );
    const ballot = await collectVotes(
      parts.map((part) =>
        this.#run(part, script, [token, ttl], timeout).then(
          (reply): Answer<number> => {
            const attempt = parseAttempt(reply);
            if (!attempt.granted) mayQueue();
            return attempt.granted
              ? { yes: true, value: attempt.fence }
              : { yes: false, value: attempt.holderTtl };
          },
          (error: unknown) => {
            mayQueue();
            throw error;
          },
        ),
      ),
      required,
    );
    if (ballot.granted >= required) {
      lease.fence = Math.max(...ballot.votes.map((v) => (v.outcome === 'granted' ? (v.value ?? 0) : 0)));
      if (!this.#rules.confirmFence) return { granted: true, fence: lease.fence };
      const confirmed = await this.#confirmFence(parts, token, lease, timeout);
      if (confirmed.granted === parts.length) return { granted: true, fence: lease.fence };
      await this.#dropPartialGrants(parts, ballot, token, timeout);
      if (confirmed.errors > 0) {
        throw this.#rules.failure(
          `fence confirmed on ${confirmed.granted} of ${parts.length}: ${confirmed.errors} failed`,
          details(confirmed),
        );
      }
      // A lease ran out before its fence was confirmed (a tiny ttl): refused, the next attempt starts afresh.
      this.#forget(token, lease);
      return { granted: false, holderTtl: -1 };
    }
    await this.#dropPartialGrants(parts, ballot, token, timeout);
    if (ballot.errors > parts.length - required) {
      // The entry stays for the clean-up release that follows a failed attempt, which then takes this attempt's
      // per-part timeout rather than the locker's default ttl's (the release removes it).
      throw this.#rules.failure(
        `acquire reached ${ballot.granted} of ${parts.length} (needs ${required}): ${ballot.errors} failed`,
        details(ballot),
      );
    }
    this.#forget(token, lease);
    return { granted: false, holderTtl: holderTtl(ballot, parts.length - required) };
  }

  /** @internal How many tokens this backend keeps an entry for (leases held, attempts in flight); for tests. */
  get trackedLeases(): number {
    return this.#leases.size;
  }

  async extend(target: LockTarget, token: string, ttl: number): Promise<boolean> {
    const parts = this.#rules.parts(target);
    const required = this.#rules.required(parts.length);
    const fence = this.#leases.get(token)?.fence ?? 0;
    const ballot = await collectVotes(
      parts.map((part) =>
        this.#run(part, QUORUM_EXTEND, [token, ttl, fenceTtl(ttl), fence], this.#rules.timeout(ttl)).then(
          (reply): Answer<null> => ({ yes: reply === 1, value: null }),
        ),
      ),
      required,
    );
    if (ballot.granted >= required) {
      const lease = this.#leases.get(token);
      if (lease) lease.ttl = ttl;
      return true;
    }
    if (ballot.busy > parts.length - required) return false;
    throw this.#rules.failure(
      `extend confirmed on ${ballot.granted} of ${parts.length} (needs ${required}): ${ballot.errors} failed`,
      details(ballot),
    );
  }

  release(target: LockTarget, token: string, queued = true): Promise<boolean> {
    return this.#release(target, token, queued, false);
  }

  /** `release`, sent again to a part whose connection is down once it is ready (see `LockBackend.abandon`). */
  abandon(target: LockTarget, token: string): Promise<boolean> {
    return this.#release(target, token, true, true);
  }

  async #release(target: LockTarget, token: string, queued: boolean, retry: boolean): Promise<boolean> {
    const parts = this.#rules.parts(target);
    const required = this.#rules.required(parts.length);
    const lease = this.#leases.get(token);
    this.#leases.delete(token);
    const ttl = lease?.ttl ?? this.#defaultTtl;
    // The release script's flags: SPUBLISH on a Cluster, and whether the token may be queued: an acquire that
    // gives up comes here, and a granted quorum lock stays queued on a part that refused it.
    const script = QUORUM_RELEASE.get(releaseFlags(this.sharded, queued || (lease?.queued ?? true)));
    const calls = parts.map((part) =>
      this.#run(
        part,
        script,
        [token, fenceTtl(ttl), lease?.fence ?? 0],
        this.#rules.timeout(ttl),
        retry,
      ).then((reply): Answer<null> => ({
        yes: parseRelease(reply).released === part.target.keys.length,
        value: null,
      })),
    );
    const ballot = await collectVotes(calls, required);
    // A release answers once a majority confirmed; a clean-up waits for every part (each bounded by its
    // timeout), so an acquire that gives up returns only once nothing of it stays where Redis can be reached.
    if (retry) await Promise.allSettled(calls);
    if (ballot.granted >= required) return true;
    if (ballot.errors > parts.length - required) {
      throw this.#rules.failure(
        `release confirmed on ${ballot.granted} of ${parts.length} (needs ${required}): ${ballot.errors} failed`,
        details(ballot),
      );
    }
    return false;
  }

  /** Drops `token`'s entry unless a later attempt (or a release) replaced it already. */
  #forget(token: string, lease: LeaseEntry): void {
    if (this.#leases.get(token) === lease) this.#leases.delete(token);
  }

  /** Writes the lock's fence to every part; each answers whether the token still holds its leases there. */
  #confirmFence(
    parts: readonly VotingPart[],
    token: string,
    lease: LeaseEntry,
    timeout: number,
  ): Promise<Ballot<null>> {
    const args = [token, fenceTtl(lease.ttl), lease.fence];
    return collectVotes(
      parts.map((part) =>
        this.#run(part, CONFIRM_FENCE, args, timeout).then((reply): Answer<null> => ({
          yes: reply === 1,
          value: null,
        })),
      ),
      parts.length,
    );
  }

  /**
   * Sends the drop to every part; waits only for the parts that granted (they just answered), so a stalled part
   * does not slow every retry. On the others the drop is queued behind the attempt on the same connection.
   */
  async #dropPartialGrants(
    parts: readonly VotingPart[],
    ballot: Ballot<number>,
    token: string,
    timeout: number,
  ): Promise<void> {
    const flags = this.sharded ? 's' : '';
    const drops = parts.map((part) => this.#run(part, DROP_LEASE, [token, flags], timeout).catch(() => 0));
    await Promise.all(drops.filter((_, index) => ballot.votes[index]?.outcome === 'granted'));
  }

  #run(
    part: VotingPart,
    script: Script,
    args: readonly (string | number)[],
    timeout: number,
    /** Send again once a down connection is ready (see `ScriptRunner.run`). */
    retry = false,
  ): Promise<unknown> {
    return part.runner.run(script, part.target.leases, args, timeout, `Node ${part.node}`, retry);
  }
}

function details(ballot: Ballot<unknown>): QuorumNodeResult[] {
  return ballot.votes.map((vote) =>
    vote.error
      ? { node: vote.node, outcome: vote.outcome, error: vote.error }
      : { node: vote.node, outcome: vote.outcome },
  );
}

/**
 * When the lock may be free enough for a grant: the holder must lose `spare + 1` of its parts, so the
 * `(spare + 1)`-th longest remaining lease among the busy parts; -1 when unknown.
 */
function holderTtl(ballot: Ballot<number>, spare: number): number {
  const ttls = ballot.votes
    .filter((vote) => vote.outcome === 'busy')
    .map((vote) => vote.value ?? -1)
    .sort((a, b) => b - a);
  return ttls[spare] ?? -1;
}
