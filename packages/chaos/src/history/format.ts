import type { HistoryEvent } from './events.js';

/**
 * One line per event, for counterexamples and failure messages.
 *
 * @example
 * ```ts
 * formatEvent({ type: 'loss', t: 12, client: 1, token: 'a', reason: 'expired' }) // '   12 c1 loss expired'
 * ```
 */
export function formatEvent(event: HistoryEvent): string {
  const t = String(Math.round(event.type === 'op' ? event.tInv : event.t)).padStart(5);
  switch (event.type) {
    case 'op':
      return `${String(event.tInv).padStart(5)} c${event.client} ${event.op}${event.shared ? ' shared' : ''} -> ${event.result}${event.tRes === undefined ? '' : ` @${event.tRes}`}${event.fence === undefined ? '' : ` fence=${event.fence}`}${event.error ? ` (${event.error})` : ''}`;
    case 'fault':
      return `${t} ${event.client === undefined ? '  ' : `c${event.client}`} FAULT ${event.kind}${event.amount === undefined ? '' : ` amount=${event.amount}`}${event.duration === undefined ? '' : ` for ${event.duration}`}${event.beyond ? ' (beyond bounds)' : ''}`;
    case 'lease':
      return `${t} server lease ${event.owner ?? '(none)'}${event.owner === null ? '' : event.expireAt === null ? ' NO TTL' : ` until ${event.expireAt}`}${event.by === undefined ? '' : ` by c${event.by}`}`;
    case 'probe':
      return `${t} probe owner=${event.owner ?? '(none)'} believers=${event.believers.map((b) => `c${b.client}`).join(',') || '-'}${event.holders ? ` holders=${event.holders.length}` : ''}`;
    case 'holders':
      return `${t} server holders [${event.holders.map((h) => `${h.token} until ${h.expireAt}`).join(', ')}]`;
    case 'write':
      return `${t} c${event.client} write ${event.resource} read=${event.read}@${event.tRead} before=${event.before}${event.accepted ? '' : ' REJECTED'}${event.fence === undefined ? '' : ` fence=${event.fence}`}`;
    case 'loss':
      return `${t} c${event.client} told lost (${event.reason})`;
    case 'noTtl':
      return `${t} key ${event.key} has no TTL`;
    case 'end':
      return `${t} end: leaked keys [${event.leakedKeys.join(', ')}], leaked timers ${event.leakedTimers}`;
  }
}

/** The events as text, one per line, at most `limit` lines (probes left out). */
export function formatHistory(events: readonly HistoryEvent[], limit = 200): string {
  return events
    .filter((e) => e.type !== 'probe')
    .slice(0, limit)
    .map(formatEvent)
    .join('\n');
}
