import type { LibraryResult } from './results.js';
import { isReadWrite, type Scenario } from './scenarios.js';
import { formatCount, formatMicros, formatMs, formatPerGrant, formatRatio } from './report/format.js';

/** The line printed when a scenario starts. */
export function scenarioLine(scenario: Scenario, index: number, total: number): string {
  return `[${index + 1}/${total}] ${scenario.title}`;
}

/** The line printed when one library finished a scenario; `ratio` is to the scenario's baseline. */
export function libraryLine(row: LibraryResult, ratio: number, scenario: Scenario): string {
  const m = row.measurement;
  const parts = [
    `  ${row.library.name.padEnd(22)}`,
    `${formatCount(m.throughput).padStart(8)} ops/s`,
    `${formatRatio(ratio)} × ${scenario.baseline}`,
    ...(scenario.holdMs > 0 && !isReadWrite(scenario) ? [`utilisation ${formatRatio(m.utilisation)}`] : []),
    `wait p50 ${formatMs(m.waitP50)} p99 ${formatMs(m.waitP99)} max ${formatMs(m.waitMax)} ms`,
    `${formatPerGrant(m.redisCommandsPerGrant)} cmds/grant`,
    `CPU µs/grant client ${formatMicros(m.clientCpuPerGrantUs)} Redis ${formatMicros(m.redisCpuPerGrantUs)}`,
    ...(m.errors > 0 ? [`${m.errors} errors (${m.firstError ?? ''})`] : []),
  ];
  return parts.join('  ');
}
