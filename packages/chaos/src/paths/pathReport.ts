import type { ChaosConfig } from '../options.js';
import { PATH_NAMES, type PathCounts, type PathName } from './pathCounts.js';

/**
 * A run's path counts, which paths the lock claims, which the run required, and which of those never ran.
 *
 * @example
 * ```ts
 * const { missing } = (await runChaos({ lock: throwingLock })).paths // ['grant']
 * ```
 */
export interface PathReport {
  /** Counts summed over the run's schedules (shrink runs not counted). */
  readonly counts: PathCounts;
  /** The paths the lock claims (`LockAdapter.paths`, default `['grant']`). */
  readonly claimed: readonly PathName[];
  /** The paths this run had to exercise (`ChaosOptions.requirePaths`). */
  readonly required: readonly PathName[];
  /** Required paths whose count is 0 (or cannot be told): the run is inconclusive when any is. */
  readonly missing: readonly PathName[];
}

/**
 * The paths a run must exercise: `requirePaths` when given; on a replay (a `path` given: one chosen schedule)
 * none; otherwise the claimed ones among `grant` and, on the mock backend with `contention` (which starts waiters
 * behind a holder), `contendedWait`. Hand-overs, multi-key grants, extend outcomes, fence restarts and quorum
 * decisions are reported but not required by default: a short run may legitimately have none of them. Nor are
 * contended waits on real Redis, whose runs are a few schedules and whose lease is only sampled (two schedules of
 * 25 steps on quorum3 and on the Cluster saw none).
 *
 * @example
 * ```ts
 * requiredPaths(resolveChaosOptions({}), ['grant', 'contendedWait', 'handOver']) // ['grant', 'contendedWait']
 * ```
 */
export function requiredPaths(config: ChaosConfig, claimed: readonly PathName[]): readonly PathName[] {
  if (config.requirePaths !== undefined) return config.requirePaths;
  if (config.path !== undefined) return [];
  const contended = config.contention && config.backend === 'mock';
  return claimed.filter((p) => p === 'grant' || (p === 'contendedWait' && contended));
}

/**
 * The path report of a run whose schedules summed to `counts`.
 *
 * @example
 * ```ts
 * const { missing } = pathReport(config, counts)
 * if (missing.length > 0) console.log(`never exercised: ${missing.join(', ')}`)
 * ```
 */
export function pathReport(config: ChaosConfig, counts: PathCounts): PathReport {
  const claimed = config.lock.paths?.(config.ttl) ?? ['grant'];
  const required = requiredPaths(config, claimed);
  const missing = required.filter((p) => (counts[p] ?? 0) === 0);
  return { counts, claimed, required, missing };
}

/**
 * The counts as one line, `grant 120, handOver 14, contendedWait 80, …` (`n/a` where the history cannot tell).
 *
 * @example
 * ```ts
 * pathCountsText(result.paths.counts) // 'grant 120, handOver 14, contendedWait 80, multiKey 9, ...'
 * ```
 */
export function pathCountsText(counts: PathCounts): string {
  return PATH_NAMES.map((p) => `${p} ${counts[p] ?? 'n/a'}`).join(', ');
}
