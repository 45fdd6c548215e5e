import type { PipeliningRecord } from '../pipelining/pipeliningRun.js';
import { medianRoundRatio } from '../results.js';
import { cyclesPerSecond, perCycle, type PipeliningRow } from '../pipelining/pipeliningTypes.js';
import { formatCount, formatMicros, formatMs, formatRatio } from './format.js';
import type { SectionMarkers } from './spliceSection.js';
import { renderTemplate } from './template.js';
import { runValues } from './environment.js';

/** Where the section sits in RESULTS.md, so that a later `pnpm bench --pipelining` replaces it. */
export const PIPELINING_MARKERS: SectionMarkers = {
  start: '<!-- pipelining:start -->',
  end: '<!-- pipelining:end -->',
};

const LOCK_NAMES = { raw: 'raw floor', deadbolt: 'deadbolt' } as const;

/** The row of the same lock with the other auto-pipelining setting, or of the raw floor with the same one. */
function partner(rows: readonly PipeliningRow[], lock: PipeliningRow['lock'], autoPipelining: boolean) {
  return rows.find((row) => row.lock === lock && row.autoPipelining === autoPipelining);
}

/**
 * `row`'s cycles per second ÷ `base`'s: the median over rounds of the ratio within a round (see
 * `medianRoundRatio`), `—` without a partner row.
 */
function speedRatio(row: PipeliningRow, base: PipeliningRow | undefined): string {
  return base ? formatRatio(medianRoundRatio(row.roundCyclesPerSec, base.roundCyclesPerSec)) : '—';
}

/** A count per cycle: two decimals, three below 0.1 (`0.031`). */
function formatPerCycle(value: number): string {
  if (!Number.isFinite(value)) return '—';
  return value < 0.1 ? value.toFixed(3) : value.toFixed(2);
}

/**
 * The "Concurrent acquires and auto-pipelining" section of RESULTS.md, between its markers.
 *
 * @example
 * ```ts
 * const section = renderPipelining(JSON.parse(await readFile('bench/pipelining.json', 'utf8')))
 * ```
 */
export function renderPipelining({ command, environment: env, result: r }: PipeliningRecord): string {
  const table = [
    '| lock | auto-pipelining | cycles/s | × off | × raw floor | cmds sent/cycle | Redis cmds/cycle | socket writes/cycle | client CPU µs/cycle | Redis CPU µs/cycle | acquire p50 ms | acquire p99 ms | errors |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map((row) => {
      const cells = [
        LOCK_NAMES[row.lock],
        row.autoPipelining ? 'on' : 'off',
        formatCount(cyclesPerSecond(row)),
        row.autoPipelining ? speedRatio(row, partner(r.rows, row.lock, false)) : '',
        row.lock === 'raw' ? '' : speedRatio(row, partner(r.rows, 'raw', row.autoPipelining)),
        formatPerCycle(perCycle(row, row.clientCommands)),
        formatPerCycle(perCycle(row, row.redisCommands)),
        formatPerCycle(perCycle(row, row.socketWrites)),
        formatMicros(perCycle(row, row.clientCpuMicros)),
        formatMicros(perCycle(row, row.redisCpuMicros)),
        formatMs(row.acquireP50Ms),
        formatMs(row.acquireP99Ms),
        row.errors > 0 ? `${row.errors} (${row.firstError ?? ''})` : '0',
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  const section = renderTemplate('pipelining', {
    ...runValues(command, env),
    ioredis: env.packages['ioredis'] ?? 'unknown',
    load: env.loadAtStart.toFixed(2),
    loops: r.plan.loops,
    rounds: r.plan.rounds,
    windowSeconds: r.plan.windowMs / 1000,
    warmupSeconds: r.plan.warmupMs / 1000,
    cycles: r.rows.map((row) => formatCount(row.cycles)).join(', '),
    table: table.join('\n'),
  });
  return [PIPELINING_MARKERS.start, section, PIPELINING_MARKERS.end, ''].join('\n');
}
