import { FRAMEWORK_NAMES } from '../middleware/frameworks.js';
import { CONNECTIONS, type HttpMeasurement } from '../middleware/loadTest.js';
import { MIDDLEWARE_TARGET, overheadRatio, type MiddlewareResult } from '../middleware/runMiddleware.js';
import type { Timing } from '../timing.js';
import { formatCount, formatMs, formatRatio } from './format.js';

/** The target, in words. */
export const MIDDLEWARE_TARGET_TEXT = `with the middleware ≥ ${MIDDLEWARE_TARGET} × the same route without it`;

/** Whether one framework met the target (and every response was a 2xx). */
function met(result: MiddlewareResult): boolean {
  const clean = (m: HttpMeasurement): boolean => m.non2xx === 0 && m.errors === 0;
  return clean(result.plain) && clean(result.locked) && overheadRatio(result) >= MIDDLEWARE_TARGET;
}

/** Rows of the Targets table, one per framework. */
export function middlewareTargetRows(results: readonly MiddlewareResult[]): string[] {
  return results.map(
    (result) =>
      `| middleware (${result.framework.name}) | ${MIDDLEWARE_TARGET_TEXT} | ${formatRatio(overheadRatio(result))} × without | ${met(result) ? 'yes' : '**no**'} |`,
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
  const row = (result: MiddlewareResult, variant: keyof typeof labels): string[] => {
    const m = result[variant];
    return [
      result.framework.name,
      labels[variant],
      formatCount(m.throughput),
      formatRatio(m.throughput / result.plain.throughput),
      formatMs(m.latencyP50),
      formatMs(m.latencyP99),
      formatCount(m.responses),
      String(m.non2xx),
      String(m.errors),
    ];
  };
  return [
    `## ${FRAMEWORK_NAMES} middleware overhead, distinct keys`,
    '',
    `The same route, \`GET /items/:id\` (one \`await setImmediate()\`, then a small JSON answer), served by one app per framework in a forked worker, once without middleware, once behind the cheapest possible Redis lock middleware (\`SET key token NX PX\`, then an owner-checked DEL script; no waiting, fairness, fences or renewal: \`bench/src/middleware/rawLockMiddleware.ts\`), and once behind \`\` lockRequests({ locker, key: (req) => \`item:\${id}\` }) \`\` on a locker with deadbolt's defaults, on the benchmark's redis-server. autocannon (in the benchmark process) keeps ${CONNECTIONS} connections busy for ${timing.measureMs / 1000} s per variant (${first.rounds} round(s), the variants alternating which goes first, after a ${timing.warmupMs / 1000} s warm-up of each); every request asks for a fresh id, so every lock is on a distinct key. Target: ${MIDDLEWARE_TARGET_TEXT}.`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...results
      .flatMap((result) => [row(result, 'plain'), row(result, 'floor'), row(result, 'locked')])
      .map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ];
}
