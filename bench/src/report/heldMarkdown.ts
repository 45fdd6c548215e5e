import type { HeldRecord } from '../held/heldRun.js';
import { scriptsPer100PerPeriod, throughputRatio } from '../held/heldTypes.js';
import { formatCount } from './format.js';
import type { SectionMarkers } from './spliceSection.js';
import { renderTemplate } from './template.js';
import { runValues } from './environment.js';

/** Where the section sits in RESULTS.md, so that a later `pnpm bench --held` replaces it. */
export const HELD_MARKERS: SectionMarkers = { start: '<!-- held:start -->', end: '<!-- held:end -->' };

/** The design brief's targets for the scenario. */
const TARGETS = { scriptsPer100PerPeriod: 1, heapPerLock: 1_024, throughputRatio: 0.9 } as const;

/**
 * The "Many held locks" section of RESULTS.md.
 *
 * @example
 * ```ts
 * const section = renderHeld(JSON.parse(await readFile('bench/held.json', 'utf8')))
 * ```
 */
export function renderHeld({ command, environment: env, result: r }: HeldRecord): string {
  const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
  const mark = (ok: boolean): string => (ok ? '' : ' ✗');
  const table = [
    '| held locks | renewal scripts/s | scripts per 100 locks per period | client CPU | Redis CPU | heap per lock | largest lateness | renewal failures | lost | cycles/s with none held (before, after) | cycles/s beside them (× none held) |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.rows.map((row) => {
      const per100 = scriptsPer100PerPeriod(row);
      const ratio = throughputRatio(row, r);
      const { noneHeldBefore, noneHeldAfter } = row as Partial<typeof row>;
      const cells = [
        formatCount(row.locks),
        (row.renewalScripts / (row.windowMs / 1000)).toFixed(1),
        `${per100.toFixed(3)}${mark(per100 <= TARGETS.scriptsPer100PerPeriod)}`,
        pct(row.clientCpu),
        pct(row.redisCpu),
        `${Math.round(row.heapPerLock)} B${mark(row.heapPerLock <= TARGETS.heapPerLock)}`,
        `${row.maxLatenessMs} ms`,
        String(row.renewFailures),
        `${row.lost}${mark(row.lost === 0)}`,
        noneHeldBefore === undefined || noneHeldAfter === undefined
          ? `${formatCount(r.baselineCyclesPerSec)} (once, at the start)`
          : `${formatCount(noneHeldBefore)}, ${formatCount(noneHeldAfter)}`,
        `${formatCount(row.cyclesPerSec)} (${ratio.toFixed(2)})${mark(ratio >= TARGETS.throughputRatio)}`,
      ];
      return `| ${cells.join(' | ')} |`;
    }),
  ];
  const section = renderTemplate('held', {
    ...runValues(command, env),
    ttlMs: r.plan.ttlMs,
    periodMs: r.periodMs,
    holdSeconds: r.plan.holdMs / 1000,
    loops: r.plan.loops,
    throughputSeconds: r.plan.throughputMs / 1000,
    baselineCyclesPerSec: formatCount(r.baselineCyclesPerSec),
    targetScripts: TARGETS.scriptsPer100PerPeriod,
    targetHeap: TARGETS.heapPerLock,
    targetRatio: TARGETS.throughputRatio,
    table: table.join('\n'),
    renewals: r.rows
      .map(
        (row) =>
          `${formatCount(row.locks)}: ${formatCount(row.renewals)} by ${formatCount(row.renewalScripts)} scripts`,
      )
      .join('; '),
    acquireTimes: r.rows.map((row) => `${(row.acquireMs / 1000).toFixed(1)} s`).join(', '),
    errors: r.rows.reduce((n, row) => n + row.errors, 0),
  });
  return [HELD_MARKERS.start, section, HELD_MARKERS.end, ''].join('\n');
}
