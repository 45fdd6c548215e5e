import { serverLeases, type LeaseInterval } from '../checker/leases.js';
import type { FaultEvent, HistoryEvent, OpEvent, WriteEvent } from '../history/events.js';

/** When a client believed it held a key: from its grant until it released, was told lost, crashed, or the run ended. */
export interface BeliefInterval {
  readonly client: number;
  readonly token: string;
  readonly fence: number | undefined;
  readonly start: number;
  readonly end: number;
  /** Why the belief ended. */
  readonly until: 'release' | 'loss' | 'crash' | 'end';
}

/** What the timeline of one key draws. */
export interface KeyTimeline {
  readonly key: string;
  readonly clients: readonly number[];
  readonly beliefs: readonly BeliefInterval[];
  readonly leases: readonly (LeaseInterval & { client: number | undefined })[];
  /** Acquires with an unknown outcome: counted as held from invocation until invocation + ttl. */
  readonly unknown: readonly OpEvent[];
  readonly writes: readonly WriteEvent[];
  readonly faults: readonly FaultEvent[];
  readonly end: number;
}

/**
 * Turns a history into per-key timelines: belief intervals, server leases (attributed to the client whose token
 * they hold), unknown acquires, writes and faults.
 *
 * @example
 * ```ts
 * for (const t of timelines(result.history)) console.log(t.key, t.beliefs.length)
 * ```
 */
export function timelines(events: readonly HistoryEvent[]): KeyTimeline[] {
  // The drawing ends shortly after the last thing that happened (not after the run's long wait for leaks).
  const last = events.map((e) =>
    e.type === 'op'
      ? (e.tRes ?? e.tInv)
      : e.type === 'fault'
        ? e.t + (e.duration ?? 0)
        : e.type === 'end' || e.type === 'lease' || e.type === 'probe'
          ? 0
          : e.t,
  );
  const leaseStarts = events.map((e) => (e.type === 'lease' && e.owner !== null ? e.t : 0));
  const end = Math.max(1, ...last, ...leaseStarts) * 1.1;
  const ops = events.filter((e): e is OpEvent => e.type === 'op');
  const keys = [...new Set(ops.map((o) => o.key))];
  const owners = new Map<string, number>();
  for (const o of ops) if (o.op === 'acquire' && o.token !== undefined) owners.set(o.token, o.client);
  const faults = events.filter((e): e is FaultEvent => e.type === 'fault');
  const clients = [
    ...new Set([...ops, ...faults].flatMap((o) => (o.client === undefined ? [] : [o.client]))),
  ].sort((a, b) => a - b);
  const leases = serverLeases(events);
  return keys.map((key) => ({
    key,
    clients,
    beliefs: beliefsOf(events, key, end),
    leases: leases
      .filter((l) => l.key === key)
      .map((l) => ({ ...l, end: Math.min(l.end, end), client: owners.get(l.owner) })),
    unknown: ops.filter((o) => o.key === key && o.op === 'acquire' && o.result === 'unknown'),
    writes: events.filter((e): e is WriteEvent => e.type === 'write'),
    faults,
    end,
  }));
}

function beliefsOf(events: readonly HistoryEvent[], key: string, end: number): BeliefInterval[] {
  const out: BeliefInterval[] = [];
  for (const g of events) {
    if (g.type !== 'op' || g.op !== 'acquire' || g.result !== 'ok' || g.key !== key) continue;
    if (g.tRes === undefined || g.token === undefined) continue;
    let stop = end;
    let until: BeliefInterval['until'] = 'end';
    for (const e of events) {
      const t =
        e.type === 'op' && e.op === 'release' && e.token === g.token && e.client === g.client
          ? (['release', e.tInv] as const)
          : e.type === 'loss' && e.token === g.token
            ? (['loss', e.t] as const)
            : e.type === 'fault' && e.kind === 'crash' && e.client === g.client && e.t >= g.tRes
              ? (['crash', e.t] as const)
              : undefined;
      if (t && t[1] >= g.tRes && t[1] < stop) [until, stop] = t;
    }
    out.push({ client: g.client, token: g.token, fence: g.fence, start: g.tRes, end: stop, until });
  }
  return out;
}
