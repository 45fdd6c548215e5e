import type { ScenarioResult } from '../results.js';
import type { Measurement } from '../stats.js';
import { pairedRatio, ratioToBaseline } from '../results.js';
import { fairBoundMs } from '../scenarios.js';
import { formatMs, formatRatio } from './format.js';

/** deadbolt's standing against one scenario's target. */
export interface TargetVerdict {
  /** What was measured, in words. */
  readonly measured: string;
  /** Whether the target was met; undefined for a scenario without a target (compared with the peers only). */
  readonly met: boolean | undefined;
}

/** Compares deadbolt's measurement in `result` with the scenario's target; undefined without a deadbolt row. */
export function judgeTarget(result: ScenarioResult): TargetVerdict | undefined {
  const ours = result.rows.find((row) => row.library.id === 'deadbolt');
  if (ours === undefined) return undefined;
  const ratio = ratioToBaseline(result, ours);
  const m = ours.measurement;
  const clean = m.errors === 0;
  const peers = result.rows.filter(
    (row) => !row.library.floor && row.library.client === 'ioredis' && row.library.id !== 'deadbolt',
  );
  const fenced = result.rows.find((row) => row.library.id === 'fenced');
  const ofFenced = `${fenced ? ` (fenced floor ${formatRatio(ratioToBaseline(result, fenced))})` : ''}${onNodeRedis(result)}`;
  switch (result.scenario.id) {
    case 'uncontended':
      return { measured: `${formatRatio(ratio)} × raw floor${ofFenced}`, met: clean && ratio >= 0.95 };
    case 'distinct-keys': {
      const againstBest = Math.min(...peers.map((peer) => pairedRatio(ours, peer)));
      return {
        measured: `${formatRatio(ratio)} × raw floor${ofFenced}; ${formatRatio(againstBest)} × best peer`,
        met: clean && ratio >= 0.95 && againstBest >= 1,
      };
    }
    case 'one-key': {
      const bound = fairBoundMs(result.scenario);
      const fifo = result.rows.find((row) => row.library.id === 'fifo')?.measurement.utilisation;
      return {
        measured: contendedMeasurement(result, m, fifo),
        met: clean && m.utilisation >= 0.9 && m.waitP99 <= 1.5 * bound,
      };
    }
    case 'one-key-shared':
      return { measured: contendedMeasurement(result, m, undefined), met: undefined };
    case 'quorum3':
      return {
        measured: peers
          .map((peer) => `${formatRatio(pairedRatio(ours, peer))} × ${peer.library.name}`)
          .join('; '),
        met: undefined,
      };
    case 'semaphore': {
      const bound = fairBoundMs(result.scenario);
      const peer = result.rows.find((row) => row.library.id === 'redis-semaphore')?.measurement.waitP99;
      const ofPeer = peer === undefined ? '' : `; redis-semaphore p99 ${formatMs(peer)} ms`;
      const fifo = result.rows.find((row) => row.library.id === 'fifo')?.measurement.utilisation;
      return {
        measured: `${contendedMeasurement(result, m, fifo)}${ofPeer}`,
        met:
          clean &&
          m.utilisation >= 0.9 &&
          m.waitP99 <= 1.5 * bound &&
          (peer === undefined || m.waitP99 < peer),
      };
    }
    case 'read-write':
      return { measured: `${formatRatio(ratio)} × the plain mutex`, met: undefined };
    case 'quorum3-paused':
      return {
        measured: [
          `p50 wait ${formatMs(m.waitP50)} ms`,
          ...peers.map((peer) => `${peer.library.name} ${formatMs(peer.measurement.waitP50)} ms`),
        ].join('; '),
        met: undefined,
      };
  }
}

/** deadbolt on node-redis against the raw floor on node-redis, in words, when the scenario measured both. */
function onNodeRedis(result: ScenarioResult): string {
  const ours = result.rows.find((row) => row.library.id === 'deadbolt-node-redis');
  const floor = result.rows.find((row) => row.library.id === 'raw-node-redis');
  return ours && floor ? `; on node-redis ${formatRatio(pairedRatio(ours, floor))} × its raw floor` : '';
}

/**
 * Utilisation (of the permits, for a semaphore) and p99 wait against the fair bound, in words (with the FIFO
 * floor's utilisation when given).
 */
function contendedMeasurement(result: ScenarioResult, m: Measurement, fifo: number | undefined): string {
  const bound = fairBoundMs(result.scenario);
  const ofFifo = fifo === undefined ? '' : ` (FIFO floor ${formatRatio(fifo)})`;
  const permits = result.scenario.mode?.limit === undefined ? '' : 'permit ';
  return `${permits}utilisation ${formatRatio(m.utilisation)}${ofFifo}; p99 wait ${formatMs(m.waitP99)} ms = ${formatRatio(m.waitP99 / bound)} × fair bound`;
}
