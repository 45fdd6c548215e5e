import type { ScenarioResult } from '../results.js';
import { ratioToFloor } from '../results.js';
import { fairBoundMs } from '../scenarios.js';
import { formatMs, formatRatio } from './format.js';

/** deadbolt's standing against one scenario's target. */
export interface TargetVerdict {
  /** What was measured, in words. */
  readonly measured: string;
  readonly met: boolean;
}

/** Compares deadbolt's measurement in `result` with the scenario's target; undefined without a deadbolt row. */
export function judgeTarget(result: ScenarioResult): TargetVerdict | undefined {
  const ours = result.rows.find((row) => row.library.id === 'deadbolt');
  if (ours === undefined) return undefined;
  const ratio = ratioToFloor(result, ours);
  const m = ours.measurement;
  const clean = m.errors === 0;
  switch (result.scenario.id) {
    case 'uncontended':
      return { measured: `${formatRatio(ratio)} × raw floor`, met: clean && ratio >= 0.95 };
    case 'distinct-keys': {
      const peers = result.rows.filter((row) => row.library.id !== 'deadbolt' && row.library.id !== 'raw');
      const best = peers.reduce((top, row) => Math.max(top, row.measurement.throughput), 0);
      return {
        measured: `${formatRatio(ratio)} × raw floor; ${formatRatio(m.throughput / best)} × best peer`,
        met: clean && ratio >= 0.95 && m.throughput >= best,
      };
    }
    case 'one-key': {
      const bound = fairBoundMs(result.scenario);
      return {
        measured: `utilisation ${formatRatio(m.utilisation)}; p99 wait ${formatMs(m.waitP99)} ms = ${formatRatio(m.waitP99 / bound)} × fair bound`,
        met: clean && m.utilisation >= 0.9 && m.waitP99 <= 1.5 * bound,
      };
    }
  }
}
