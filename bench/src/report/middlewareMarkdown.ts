import { FRAMEWORK_NAMES } from '../middleware/frameworks.js';
import type { Variant } from '../middleware/frameworks.js';
import { CONNECTIONS, type HttpMeasurement } from '../middleware/loadTest.js';
import {
  cpuPerRequest,
  extraCpuPerRequest,
  overheadRatio,
  RAW_LOCK_TARGET,
  rawLockRatio,
  variantRatio,
  WARMUP_REQUESTS,
  type MiddlewareResult,
} from '../middleware/runMiddleware.js';
import type { Timing } from '../timing.js';
import { formatCount, formatMicros, formatMs, formatRatio } from './format.js';
import { renderTemplate } from './template.js';

/** The targets, in words. */
export const MIDDLEWARE_TARGET_TEXT = `with the middleware ≥ ${RAW_LOCK_TARGET.toFixed(2)} × behind the raw lock (× the route without any lock is reported, not judged)`;

/** Whether one framework met the target (and every response was a 2xx). */
function met(result: MiddlewareResult): boolean {
  const clean = (m: HttpMeasurement): boolean => m.non2xx === 0 && m.errors === 0;
  return (
    clean(result.plain) &&
    clean(result.floor) &&
    clean(result.locked) &&
    rawLockRatio(result) >= RAW_LOCK_TARGET
  );
}

/** `+12.3 µs` (or `-1.0 µs`): the CPU time per request `lockRequests` costs beyond the raw lock. */
function extraCpuText(result: MiddlewareResult): string {
  const extra = extraCpuPerRequest(result);
  return `${extra >= 0 ? '+' : ''}${formatMicros(extra)} µs`;
}

/** Rows of the Targets table, one per framework. */
export function middlewareTargetRows(results: readonly MiddlewareResult[]): string[] {
  return results.map(
    (result) =>
      `| middleware (${result.framework.name}) | ${MIDDLEWARE_TARGET_TEXT} | ${formatRatio(overheadRatio(result))} × without, ${formatRatio(rawLockRatio(result))} × raw lock (app CPU ${extraCpuText(result)} per request) | ${met(result) ? 'yes' : '**no**'} |`,
  );
}

/** The middleware section of RESULTS.md; empty when the scenario did not run. */
export function renderMiddleware(results: readonly MiddlewareResult[], timing: Timing): string[] {
  const first = results[0];
  if (first === undefined) return [];
  const header = [
    'framework',
    'middleware',
    'throughput (req/s)',
    '× without',
    '× raw lock',
    'app CPU µs/request',
    'p50 latency (ms)',
    'p99 latency (ms)',
    'responses',
    'non-2xx',
    'errors',
  ];
  const labels = {
    plain: 'without',
    floor: 'raw lock (SET NX PX + DEL script)',
    locked: 'with `lockRequests`',
  };
  const row = (result: MiddlewareResult, variant: Variant): string[] => {
    const m = result[variant];
    return [
      result.framework.name,
      labels[variant],
      formatCount(m.throughput),
      formatRatio(variantRatio(result, variant, 'plain')),
      formatRatio(variantRatio(result, variant, 'floor')),
      formatMicros(cpuPerRequest(result, variant)),
      formatMs(m.latencyP50),
      formatMs(m.latencyP99),
      formatCount(m.responses),
      String(m.non2xx),
      String(m.errors),
    ];
  };
  const table = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...results
      .flatMap((result) => [row(result, 'plain'), row(result, 'floor'), row(result, 'locked')])
      .map((cells) => `| ${cells.join(' | ')} |`),
  ];
  const section = renderTemplate('middleware', {
    frameworks: FRAMEWORK_NAMES,
    connections: CONNECTIONS,
    measureSeconds: first.measuredMs / 1000,
    rounds: first.rounds,
    warmup: `${timing.singleRound ? '' : `${formatCount(WARMUP_REQUESTS)} requests, then `}${timing.warmupMs / 1000} s`,
    target: MIDDLEWARE_TARGET_TEXT,
    table: table.join('\n'),
  });
  return [...section.split('\n'), ''];
}
