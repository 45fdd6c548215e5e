/**
 * Realistic single-point bugs in `packages/core/src`, each a search string (found exactly once in its file) and its
 * replacement. `pnpm mutation` applies them one at a time, in memory (see `hook.mjs`), and runs the harness against
 * each. `breaks` says which rule of the lock the mutant breaks.
 */
export interface Mutant {
  /** Stable name, used on the command line and in docs/mutation.md. */
  readonly id: string;
  /** Path below `packages/core/src`. */
  readonly file: string;
  readonly search: string;
  readonly replace: string;
  readonly breaks: string;
}

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'acquire-owner-check',
    file: 'scripts/acquire.ts',
    search: 'if owner ~= token then',
    replace: 'if owner == nil then',
    breaks: 'owner check weakened: on the general path a lease held by another token no longer blocks',
  },
  {
    id: 'acquire-fast-path-overwrites',
    file: 'scripts/acquire.ts',
    search: "redis.call('SET', KEYS[1], token, 'NX', 'PX', ttl)",
    replace: "redis.call('SET', KEYS[1], token, 'PX', ttl)",
    breaks: 'owner check dropped on the fast path: SET without NX takes a held lease',
  },
  {
    id: 'acquire-multikey-first-only',
    file: 'scripts/acquire.ts',
    search: "for _, lease in ipairs(KEYS) do\n  local owner = redis.call('GET', lease)",
    replace: "for _, lease in ipairs({KEYS[1]}) do\n  local owner = redis.call('GET', lease)",
    breaks: 'multi-key check narrowed: only the first (sorted) key of a multi-key lock is checked',
  },
  {
    id: 'acquire-multikey-fence-not-shared',
    file: 'scripts/acquire.ts',
    search: 'local rewrite = clock_floor or #KEYS > 1',
    replace: 'local rewrite = clock_floor',
    breaks: "multi-key grant does not write its fence to every key: a key's next fence can fall below it",
  },
  {
    id: 'acquire-queue-skipped',
    file: 'scripts/acquire.ts',
    search: 'if first and first ~= token then blocked = true end',
    replace: 'if false then blocked = true end',
    breaks: 'queue rule skipped: a fair attempt is granted past the waiters queued before it',
  },
  {
    id: 'acquire-fast-path-ignores-queue',
    file: 'scripts/acquire.ts',
    search: "${has('f') ? `and redis.call('EXISTS', ${derived.queue('KEYS[1]')}) == 0` : ''}",
    replace: "${''}",
    breaks: 'fair order: a newcomer takes a free lease on the fast path although waiters are queued',
  },
  {
    id: 'fence-equal-allowed',
    file: 'scripts/lua.ts',
    search: 'if fence > 1 then return fence end',
    replace: 'if fence > 1 then return fence - 1 end',
    breaks: 'fence rule: the next grant gets the same fence as the previous one (not strictly increasing)',
  },
  {
    id: 'fence-restart-low',
    file: 'scripts/lua.ts',
    search: 'fence = math.max(fence, tonumber(t[1]) * 1000000.0 + tonumber(t[2]))',
    replace: 'fence = math.max(fence, 1)',
    breaks: 'fence restart rule: an expired counter restarts at 1, below the fences it gave before',
  },
  {
    id: 'release-fast-no-owner-check',
    file: 'scripts/release.ts',
    search: "if redis.call('GET', KEYS[1]) ~= token then return 0 end\n  redis.call('DEL', KEYS[1])",
    replace: "redis.call('DEL', KEYS[1])",
    breaks: "release without owner check (fast path): a late release deletes the next holder's lease",
  },
  {
    id: 'release-queued-no-owner-check',
    file: 'scripts/release.ts',
    search: "if held then redis.call('DEL', lease) end",
    replace: "redis.call('DEL', lease)",
    breaks: "release without owner check (queued path): a late release deletes the next holder's lease",
  },
  {
    id: 'release-hand-over-lease-long',
    file: 'scripts/release.ts',
    search: "redis.call('SET', lease, first, 'PX', ${QUEUE_ENTRY_MS})",
    replace: "redis.call('SET', lease, first, 'PX', 60000)",
    breaks: 'provisional lease too long on the server: a waiter that died holds the handed lock for a minute',
  },
  {
    id: 'queue-head-expired-kept',
    file: 'scripts/lua.ts',
    search: 'if expires and expires > now then return first, expires, firsts[2] ~= nil end',
    replace: 'if expires then return first, expires, firsts[2] ~= nil end',
    breaks: 'queue rule: an expired (dead) waiter stays at the head and blocks the key',
  },
  {
    id: 'extend-no-owner-check',
    file: 'scripts/extend.ts',
    search: "if redis.call('GET', lease) ~= token then return 0 end",
    replace: "if redis.call('GET', lease) == false then return 0 end",
    breaks:
      "extend without owner check: a holder whose lease was taken extends the new holder's lease and keeps believing",
  },
  {
    id: 'extend-many-no-owner-check',
    file: 'scripts/extendMany.ts',
    search: "if redis.call('GET', KEYS[k]) ~= token then ours = 0 break end",
    replace: "if redis.call('GET', KEYS[k]) == false then ours = 0 break end",
    breaks: 'batched extend without owner check (several locks of one locker renewed in one script)',
  },
  {
    id: 'extend-refusal-silent',
    file: 'lease/RenewalSchedule.ts',
    search: "if (!extended) {\n      this.#hooks.lost('stolen');\n      return;\n    }",
    replace: 'if (!extended) {\n      return;\n    }',
    breaks: 'renewal learns the lease was taken and stays silent until its own deadline',
  },
  {
    id: 'renew-after-validity',
    file: 'lease/RenewalSchedule.ts',
    search: 'if (this.#hooks.now() >= this.#deadline) {',
    replace: 'if (this.#hooks.now() >= this.#deadline + this.#ttl) {',
    breaks: 'renewal rule: the deadline passes without a loss; the holder keeps renewing after its validity',
  },
  {
    id: 'renew-validity-from-reply',
    file: 'lease/RenewalSchedule.ts',
    search: 'this.#deadline = Math.floor(start + ttl - this.#hooks.drift(ttl));',
    replace: 'this.#deadline = Math.floor(this.#hooks.now() + ttl - this.#hooks.drift(ttl));',
    breaks: "validity of a renewal counted from the reply, not from before the request's first byte",
  },
  {
    id: 'loss-signal-late',
    file: 'lease/RenewalSchedule.ts',
    search: 'Math.min(this.#renewAt, this.#deadline) : this.#deadline): void {',
    replace: 'Math.min(this.#renewAt, this.#deadline) : this.#deadline + 50): void {',
    breaks: 'loss signal late: while a renewal is in flight the loss is reported 50 ms after the deadline',
  },
  {
    id: 'grant-validity-from-reply',
    file: 'Locker.ts',
    search: 'start: outcome.start,',
    replace: 'start: outcome.at,',
    breaks: "validity of a grant counted from the reply, not from before the attempt's first byte",
  },
  {
    id: 'grant-after-validity',
    file: 'acquire/acquireLoop.ts',
    search: 'if (at < start + ttl - drift)',
    replace: 'if (at < start + 2 * ttl)',
    breaks: 'a grant whose reply came after its validity ended is returned instead of abandoned',
  },
  {
    id: 'validity-without-drift',
    file: 'config/config.ts',
    search: 'return Math.floor(ttl * driftFactor) + 2;',
    replace: 'return 0;',
    breaks: 'validity computed without the clock drift allowance',
  },
  {
    id: 'hand-over-stale-trusted',
    file: 'acquire/acquireLoop.ts',
    search: 'return seenFence !== undefined && handedFence > seenFence;',
    replace: 'return handedFence > 0;',
    breaks:
      'stale hand-over trusted: a hand-over message from before the refused attempt is taken as a grant',
  },
  {
    id: 'hand-over-lease-too-long',
    file: 'acquire/acquireLoop.ts',
    search: 'validFor: QUEUE_ENTRY_MS }',
    replace: 'validFor: config.ttl }',
    breaks: 'provisional lease too long: a handed lock is trusted for its ttl, the server lease lives 1.5 s',
  },
  {
    id: 'hand-over-late-trusted',
    file: 'acquire/acquireLoop.ts',
    search: 'if (at < start + QUEUE_ENTRY_MS - drift)',
    replace: 'if (at < start + 2 * QUEUE_ENTRY_MS)',
    breaks: 'a hand-over heard after its provisional lease ran out is still trusted',
  },
  {
    id: 'semaphore-limit-off-by-one',
    file: 'scripts/modesLua.ts',
    search: "return mode == 's' or count < tonumber(mode)",
    replace: "return mode == 's' or count <= tonumber(mode)",
    breaks: 'semaphore limit off by one: limit + 1 permits granted at once',
  },
  {
    id: 'read-share-beside-writer',
    file: 'scripts/modesLua.ts',
    search: 'if held ~= nil and held ~= mode then return false end',
    replace: "if held ~= nil and held ~= mode and held ~= '!' then return false end",
    breaks: 'read-write: a read share granted beside an exclusive holder',
  },
  {
    id: 'mode-extend-no-owner-check',
    file: 'scripts/modeExtend.ts',
    search: "if not deadline or deadline <= now or redis.call('GET', lease) ~= marker then return 0 end",
    replace: "if redis.call('GET', lease) ~= marker then return 0 end",
    breaks: 'permit or read share extended without checking the token still holds it',
  },
  {
    id: 'quorum-majority-off-by-one',
    file: 'quorum/majority.ts',
    search: 'return Math.floor(count / 2) + 1;',
    replace: 'return Math.floor(count / 2);',
    breaks: 'quorum off by one: n/2 masters (1 of 3) make a quorum',
  },
  {
    id: 'quorum-cleanup-majority',
    file: 'quorum/VotingBackend.ts',
    search: 'if (retry) await Promise.allSettled(calls);',
    replace: '',
    breaks:
      "quorum clean-up waits for a majority only: a failed acquire's entry stays on the last master as it returns",
  },
];

/**
 * Mutants that only a run on the real backend with the `clockStep` fault kills (a redis-server whose wall clock the
 * harness steps): `pnpm mutation`'s battery runs on the mock backend, which cannot step a server's clock, so they
 * are not in its score. `packages/chaos/test/clockStep.test.ts` kills each with a recorded seed and path.
 */
export const CLOCK_STEP_MUTANTS: readonly Mutant[] = [
  {
    id: 'queue-entry-step-uncut',
    file: 'scripts/lua.ts',
    search: 'if expires and expires - now > ${String(QUEUE_ENTRY_MS + CLOCK_STEP_TOLERANCE_MS)} then',
    replace: 'if false then',
    breaks:
      "clock-step tolerance dropped: after the server's clock steps back, a dead waiter's queue entry blocks a free key for the whole step",
  },
];
