import {
  History,
  checkHistory,
  type EndEvent,
  type FaultEvent,
  type FaultKind,
  type HistoryEvent,
  type HistoryParams,
  type Invariant,
  type LeaseEvent,
  type OpEvent,
  type OpResult,
  type ProbeEvent,
  type Violation,
} from '@deadbolt/chaos';

// Builders of hand-written history events for the checker's tests: every event is on key `k`, every op asks for a
// ttl of 1 000 ms unless it says otherwise.

/**
 * The checker parameters of the hand-written histories: ttl 1 000 ms, drift 0.01, retry bound 200 ms, renewing.
 *
 * @example
 * ```ts
 * checked(events, { ...HISTORY_PARAMS, voters: 3 })
 * ```
 */
export const HISTORY_PARAMS: HistoryParams = { ttl: 1000, driftFactor: 0.01, retryBound: 200, renews: true };

/**
 * The violations the checker finds in `events`, judged with `params` (default {@link HISTORY_PARAMS}).
 *
 * @example
 * ```ts
 * expect(checked([grant(1, 0, 0, 'a', 1)])).to.deep.equal([])
 * ```
 */
export function checked(events: HistoryEvent[], params: HistoryParams = HISTORY_PARAMS): Violation[] {
  return checkHistory(new History(params, () => 0, events));
}

/**
 * The invariants `events` break, one per violation (default params {@link HISTORY_PARAMS}).
 *
 * @example
 * ```ts
 * expect(invariantsOf([probe(5, 'a', [0, 'a'], [1, 'b'])])).to.include('S2')
 * ```
 */
export function invariantsOf(events: HistoryEvent[], params?: HistoryParams): Invariant[] {
  return checked(events, params).map((v) => v.invariant);
}

/**
 * Each violation of `events` as `<invariant> <message>` (default params {@link HISTORY_PARAMS}).
 *
 * @example
 * ```ts
 * expect(messagesOf(events)).to.deep.equal(['S8 c0\'s acquire returned a grant that was already dead: …'])
 * ```
 */
export function messagesOf(events: HistoryEvent[], params?: HistoryParams): string[] {
  return checked(events, params).map((v) => `${v.invariant} ${v.message}`);
}

/**
 * An operation of `client` on key `k`, invoked at `tInv` and answered at `tRes` (never answered when `undefined`):
 * an acquire asking for 1 000 ms unless `more` says otherwise (`more` overrides every field).
 *
 * @example
 * ```ts
 * opEvent(3, 1, 0, 1500, 'fail', { wait: 1500 }) // c1 waited 1.5 s and was refused
 * ```
 */
export function opEvent(
  id: number,
  client: number,
  tInv: number,
  tRes: number | undefined,
  result: OpResult,
  more: Partial<OpEvent> = {},
): OpEvent {
  const answered = tRes === undefined ? {} : { tRes };
  return { type: 'op', id, client, op: 'acquire', key: 'k', tInv, ...answered, result, ttl: 1000, ...more };
}

/**
 * An acquire of `client` invoked at `t` that returned the lock under `token` and `fence` (none when `undefined`)
 * at `t + 1`, unless `more` says otherwise.
 *
 * @example
 * ```ts
 * grant(1, 0, 0, 'a', 10, { tRes: 400, remaining: 580 })
 * ```
 */
export function grant(
  id: number,
  client: number,
  t: number,
  token: string,
  fence?: number,
  more: Partial<OpEvent> = {},
): OpEvent {
  const fenced = fence === undefined ? {} : { fence };
  return opEvent(id, client, t, t + 1, 'ok', { token, ...fenced, ...more });
}

/**
 * The server's lease on `k` set to `owner` (`null`: gone) at `t` by client `by` (`undefined`: an expiry),
 * expiring at `expireAt` (default `t + 1000`; `null`: no TTL).
 *
 * @example
 * ```ts
 * lease(0, 'a', 0) // c0's acquire set the lease of 'a' at 0, to expire at 1000
 * ```
 */
export function lease(
  t: number,
  owner: string | null,
  by?: number,
  expireAt: number | null = t + 1000,
): LeaseEvent {
  return by === undefined
    ? { type: 'lease', t, key: 'k', owner, expireAt }
    : { type: 'lease', t, key: 'k', owner, expireAt, by };
}

/**
 * A probe at `t`: the server's owner of `k`, and each believer as `[client, token, shared?]`.
 *
 * @example
 * ```ts
 * probe(5, 'a', [0, 'a'], [1, 'b']) // two clients believe they hold the lock
 * ```
 */
export function probe(
  t: number,
  owner: string | null,
  ...believers: [number, string, boolean?][]
): ProbeEvent {
  return {
    type: 'probe',
    t,
    key: 'k',
    owner,
    believers: believers.map(([client, token, shared]) => ({
      client,
      token,
      ...(shared ? { shared: true as const } : {}),
    })),
  };
}

/**
 * A fault of `kind` injected at `t`, within the bounds unless `more` says `beyond: true`.
 *
 * @example
 * ```ts
 * fault('redisStall', 100, { node: 2, duration: 300 })
 * ```
 */
export function fault(kind: FaultKind, t: number, more: Partial<FaultEvent> = {}): FaultEvent {
  return { type: 'fault', kind, t, beyond: false, ...more };
}

/**
 * The run's end at `t` (default 99 000), with the keys and timers it leaked (default none).
 *
 * @example
 * ```ts
 * end(['k']) // key k outlived the run
 * ```
 */
export function end(leakedKeys: string[] = [], leakedTimers = 0, t = 99_000): EndEvent {
  return { type: 'end', t, leakedKeys, leakedTimers };
}
