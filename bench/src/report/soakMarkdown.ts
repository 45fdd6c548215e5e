import type { SoakRecord } from '../soak/soakRun.js';
import { resourceCount, type SoakSample } from '../soak/soakTypes.js';
import { formatCount } from './format.js';
import { spliceSection } from './spliceSection.js';
import { renderTemplate } from './template.js';
import { runValues } from './environment.js';

/** Heap growth (after GC) below this is noise, not a leak: 2 MiB over a million cycles is 2 bytes a cycle. */
export const HEAP_TOLERANCE_BYTES = 2 * 2 ** 20;
const START = '<!-- soak:start -->';
const END = '<!-- soak:end -->';

/** One measure compared before and after. */
interface SoakCheck {
  readonly measure: string;
  readonly before: number;
  readonly after: number;
  readonly format: (value: number) => string;
  readonly tolerance: number;
}

/** The measures the soak judges; none may grow (the heap by more than {@link HEAP_TOLERANCE_BYTES}). */
export function soakChecks(before: SoakSample, after: SoakSample): SoakCheck[] {
  const count = (value: number): string => formatCount(value);
  const check = (measure: string, pick: (s: SoakSample) => number, tolerance = 0): SoakCheck => ({
    measure,
    before: pick(before),
    after: pick(after),
    format: count,
    tolerance,
  });
  return [
    { ...check('heap used after GC', (s) => s.heapUsed, HEAP_TOLERANCE_BYTES), format: mib },
    check('listeners on the locker', (s) => s.lockerListeners),
    check('listeners on the ioredis client', (s) => s.clientListeners),
    check('listeners on its socket', (s) => s.socketListeners),
    check('active timers (`Timeout`)', (s) => resourceCount(s, 'Timeout')),
    check('active resources, all types', (s) => resourceCount(s)),
    check('locks held', (s) => s.held),
    check('Redis keys (DBSIZE)', (s) => s.dbsize),
  ];
}

/** Whether a check shows growth beyond its tolerance. */
export function grew(check: SoakCheck): boolean {
  return check.after - check.before > check.tolerance;
}

/** The Soak section of RESULTS.md, between markers so that a later soak replaces it. */
export function renderSoak({ command, environment: env, result: r }: SoakRecord): string {
  const after = r.samples.at(-1) ?? r.before;
  const checks = soakChecks(r.before, after);
  const failed = checks.filter(grew);
  const seconds = r.durationMs / 1000;
  const delta = (c: SoakCheck): string =>
    `${c.after - c.before >= 0 ? '+' : '−'}${c.format(Math.abs(c.after - c.before))}`;
  const table = [
    '| measure | before | after | change | grew |',
    '|---|---|---|---|---|',
    ...checks.map(
      (c) =>
        `| ${c.measure}${c.format === mib ? ' (MiB)' : ''} | ${c.format(c.before)} | ${c.format(c.after)} | ${delta(c)} | ${grew(c) ? '**yes**' : 'no'} |`,
    ),
  ];
  const section = renderTemplate('soak', {
    ...runValues(command, env),
    load: env.loadAtStart.toFixed(2),
    cycles: formatCount(after.cycles),
    seconds: seconds.toFixed(1),
    cyclesPerSec: formatCount(after.cycles / seconds),
    concurrency: r.plan.concurrency,
    renewing: r.plan.renewing,
    renewHoldMs: r.renewHoldMs,
    renewTtlMs: r.renewTtlMs,
    renewingCycles: formatCount(r.renewingCycles),
    renewals: formatCount(r.renewals),
    warmupCycles: formatCount(r.plan.warmupCycles),
    errors: `${r.errors}${r.firstError ? ` (${r.firstError})` : ''}`,
    verdict:
      failed.length === 0 && r.errors === 0
        ? 'No growth'
        : `Grew: ${failed.map((c) => c.measure).join(', ') || 'errors'}`,
    tolerance: mib(HEAP_TOLERANCE_BYTES),
    table: table.join('\n'),
    heapSamples: r.samples.map((s) => `${formatCount(s.cycles)}: ${mib(s.heapUsed)}`).join(', '),
    resourcesBefore: describe(r.before.resources),
    resourcesAfter: describe(after.resources),
  });
  return [START, section, END, ''].join('\n');
}

/** RESULTS.md with `section` in place of an earlier Soak section (see {@link spliceSection}). */
export function spliceSoak(markdown: string | undefined, section: string): string {
  return spliceSection(markdown, section, { start: START, end: END });
}

function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(2);
}

function describe(resources: Readonly<Record<string, number>>): string {
  const entries = Object.entries(resources);
  return entries.length === 0 ? 'none' : entries.map(([type, n]) => `${n} ${type}`).join(', ');
}
