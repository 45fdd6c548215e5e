import type { GapPlan, GapRows } from './gapTypes.js';
import type { ServerTally } from './gapServer.js';

/** Server commands left out of the per-grant counts: the tool's own. */
const TOOL_COMMANDS = new Set(['info', 'config|resetstat', 'config|set', 'slowlog|reset', 'slowlog|get']);

/** A gap longer than this (ms) is counted as a stall: a process not scheduled, not a step of the hand-over. */
const STALL_MS = 5;

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** The row's `q`-quantile (nearest rank), NaN for none. */
function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function ms(value: number): string {
  return `${value.toFixed(3)} ms`.padStart(10);
}

/** One line: count, p50, p90, max and mean of `values` (ms). */
function line(name: string, values: readonly number[]): string {
  const mean = sum(values) / values.length;
  return `${name.padEnd(36)} n=${String(values.length).padStart(5)}  p50 ${ms(quantile(values, 0.5))}  p90 ${ms(quantile(values, 0.9))}  max ${ms(quantile(values, 1))}  mean ${ms(mean)}`;
}

/**
 * The report of a run: each grant joined, by fence, with the release before it (fence − 1) and with the
 * hand-over message that told its waiter: release sent → answered, release sent → message received, message
 * received → grant resolved, and the gap (release sent → next grant), split by whether the next holder ran in
 * the releaser's process; then utilisation, Redis commands and script µs, and CPU, per grant.
 *
 * @example
 * ```ts
 * console.log(gapReport(plan, rowsOfEachProcess, await tally()).join('\n'))
 * ```
 */
export function gapReport(plan: GapPlan, processes: readonly GapRows[], server: ServerTally): string[] {
  const releases = new Map<number, { sent: number; answered: number; by: number }>();
  const messages = new Map<number, number>();
  const grants = new Map<number, { at: number; by: number }>();
  const counts: Record<string, number> = {};
  let holds = 0;
  let cpuMs = 0;
  for (const [by, rows] of processes.entries()) {
    for (const [fence, sent, answered] of rows.releases) releases.set(fence, { sent, answered, by });
    for (const [fence, received] of rows.messages) messages.set(fence, received);
    for (const [fence, at] of rows.grants) grants.set(fence, { at, by });
    for (const [name, count] of Object.entries(rows.counts)) counts[name] = (counts[name] ?? 0) + count;
    holds += rows.holds;
    cpuMs += rows.cpuMs;
  }
  const answered: number[] = [];
  const message: number[] = [];
  const wake: number[] = [];
  const gap: number[] = [];
  const same: number[] = [];
  const other: number[] = [];
  /** The longest gaps: `[gap, release answered, message received, same process]` after release sent. */
  const longest: [number, number, number, boolean][] = [];
  for (const [fence, grant] of grants) {
    const release = releases.get(fence - 1);
    if (!release) continue;
    answered.push(release.answered - release.sent);
    gap.push(grant.at - release.sent);
    (release.by === grant.by ? same : other).push(grant.at - release.sent);
    const received = messages.get(fence);
    longest.push([
      grant.at - release.sent,
      release.answered - release.sent,
      (received ?? NaN) - release.sent,
      release.by === grant.by,
    ]);
    if (received === undefined) continue;
    message.push(received - release.sent);
    wake.push(grant.at - received);
  }
  const perGrant = (total: number): string => (total / grants.size).toFixed(2);
  const commands = Object.entries(server.commands).filter(([name]) => !TOOL_COMMANDS.has(name));
  const scripts = Object.entries(server.scripts).sort((a, b) => b[1].length - a[1].length);
  return [
    `${plan.root}  ${JSON.stringify({ ...plan, root: undefined })}  grants ${grants.size}`,
    line('release sent → release answered', answered),
    line('release sent → wake-up received', message),
    line('wake-up received → grant resolved', wake),
    line('release sent → next grant (gap)', gap),
    line('  gap, next holder in same process', same),
    line('  gap, next holder in another', other),
    `longest gaps (ms: gap / release answered / message received, after release sent): ${longest
      .sort((a, b) => b[0] - a[0])
      .slice(0, 4)
      .map(([g, a, m, same]) => `${g.toFixed(1)}/${a.toFixed(1)}/${m.toFixed(1)}${same ? ' same' : ''}`)
      .join(', ')}`,
    `Σ gap ${sum(gap).toFixed(0)} ms, of it in gaps over ${STALL_MS} ms: ${sum(gap.filter((g) => g > STALL_MS)).toFixed(0)} ms`,
    `utilisation Σ hold ÷ wall ${(holds / (plan.ms * Math.max(1, plan.limit))).toFixed(3)}`,
    ...scripts.slice(0, 3).map(([name, us]) =>
      line(
        `redis ${name} (µs shown as ms)`,
        us.map((u) => u / 1000),
      ),
    ),
    `redis per grant: ${perGrant(commands.reduce((sum, [, { calls }]) => sum + calls, 0))} commands: ${commands
      .sort((a, b) => b[1].calls - a[1].calls)
      .map(([name, { calls, usec }]) => `${name} ${perGrant(calls)} (${(usec / calls).toFixed(1)} µs)`)
      .join(', ')}`,
    `CPU per grant: redis-server ${((server.cpuSeconds * 1e6) / grants.size).toFixed(0)} µs, clients ${((cpuMs * 1000) / grants.size).toFixed(0)} µs`,
    `clients per grant: ${Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => `${name} ${perGrant(count)}`)
      .join(', ')}`,
  ];
}
