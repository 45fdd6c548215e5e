import { coverage, type Coverage } from '../history/coverage.js';
import type { History } from '../history/History.js';
import type { OpEvent } from '../history/events.js';

/**
 * A fence above the key's previous highest by more than this is a counter restart (a counter that expired starts
 * again at the server clock in µs, which has moved on by at least the counter's lifetime of 60 s since).
 *
 * @example
 * ```ts
 * const restarted = fence - highestSoFar > FENCE_RESTART_JUMP
 * ```
 */
export const FENCE_RESTART_JUMP = 1_000_000;

/**
 * How often each path of the lock ran in a run, counted from the recorded history alone. `undefined`: the path
 * cannot be told from this run's history (hand-overs where leases are sampled, quorum decisions off a quorum
 * topology).
 *
 * @example
 * ```ts
 * const counts: PathCounts = (await runChaos()).paths.counts // { grant: 233, handOver: 44, contendedWait: 412, ... }
 * ```
 */
export interface PathCounts {
  /** Acquires that returned a lock. */
  readonly grant: number;
  /**
   * Grants whose lease, or for a permit or read share whose entry in the holders set, another process's command set
   * (a release handing the lock to its waiter); exact leases only.
   */
  readonly handOver: number | undefined;
  /** Acquires allowed to wait that were invoked while another token held the key's lease. */
  readonly contendedWait: number;
  /** Grants of an acquire that locked several keys at once (`acquireAll`, the `multiSlot` steps). */
  readonly multiKey: number;
  /** Extends the lock reported done. */
  readonly extendOk: number;
  /** Extends the lock refused as lost (`ERR_LOCK_LOST`). */
  readonly extendRefused: number;
  /**
   * Single-key grants whose fence jumped more than {@link FENCE_RESTART_JUMP} above the key's highest fence so far:
   * the fence counter expired and restarted at the server clock. Multi-key grants are left out (their fence may
   * come from another key's fresh counter); `undefined` on a quorum topology, where every grant takes the clock.
   */
  readonly fenceRestart: number | undefined;
  /** Acquires a quorum of masters decided (granted or refused); `undefined` off a quorum topology. */
  readonly quorumDecision: number | undefined;
}

/**
 * A path of the lock that a run can exercise: one count of {@link PathCounts}.
 *
 * @example
 * ```ts
 * const required: PathName[] = ['grant', 'handOver']
 * ```
 */
export type PathName = keyof PathCounts;

/**
 * Every path, in the order reports list them.
 *
 * @example
 * ```ts
 * PATH_NAMES.includes('handOver') // true
 * ```
 */
export const PATH_NAMES: readonly PathName[] = [
  'grant',
  'handOver',
  'contendedWait',
  'multiKey',
  'extendOk',
  'extendRefused',
  'fenceRestart',
  'quorumDecision',
];

/**
 * Counts the paths one history exercised (grants, hand-overs and contended waits as {@link coverage} counts them;
 * pass its result as `covered` when already at hand).
 *
 * @example
 * ```ts
 * const { grant, extendOk, extendRefused } = pathCounts(world.history)
 * ```
 */
export function pathCounts(history: History, covered: Coverage = coverage(history)): PathCounts {
  const { grants, handOvers, contendedWaits } = covered;
  const quorum = (history.params.voters ?? 0) > 1;
  const ops = history.events.filter((e): e is OpEvent => e.type === 'op');
  const count = (match: (op: OpEvent) => boolean): number => ops.filter(match).length;
  let fenceRestart = 0;
  let highest: number | undefined;
  for (const op of ops) {
    if (op.op !== 'acquire' || op.result !== 'ok' || op.fence === undefined) continue;
    if ((op.keys ?? 1) === 1 && highest !== undefined && op.fence - highest > FENCE_RESTART_JUMP)
      fenceRestart += 1;
    highest = Math.max(highest ?? op.fence, op.fence);
  }
  return {
    grant: grants,
    handOver: handOvers,
    contendedWait: contendedWaits,
    multiKey: count((op) => op.op === 'acquire' && op.result === 'ok' && (op.keys ?? 1) > 1),
    extendOk: count((op) => op.op === 'extend' && op.result === 'ok'),
    extendRefused: count((op) => op.op === 'extend' && op.result === 'fail'),
    fenceRestart: quorum ? undefined : fenceRestart,
    quorumDecision: quorum
      ? count((op) => op.op === 'acquire' && (op.result === 'ok' || op.result === 'fail'))
      : undefined,
  };
}

/**
 * The counts of a run that ran no schedule.
 *
 * @example
 * ```ts
 * const total = tally.paths ?? NO_PATHS
 * ```
 */
export const NO_PATHS: PathCounts = {
  grant: 0,
  handOver: 0,
  contendedWait: 0,
  multiKey: 0,
  extendOk: 0,
  extendRefused: 0,
  fenceRestart: 0,
  quorumDecision: undefined,
};

/**
 * Adds two runs' counts; a path unknown in either stays unknown.
 *
 * @example
 * ```ts
 * const total = addPathCounts(pathCounts(a.history), pathCounts(b.history))
 * ```
 */
export function addPathCounts(a: PathCounts, b: PathCounts): PathCounts {
  const sum = (x: number | undefined, y: number | undefined): number | undefined =>
    x === undefined || y === undefined ? undefined : x + y;
  return {
    grant: a.grant + b.grant,
    handOver: sum(a.handOver, b.handOver),
    contendedWait: a.contendedWait + b.contendedWait,
    multiKey: a.multiKey + b.multiKey,
    extendOk: a.extendOk + b.extendOk,
    extendRefused: a.extendRefused + b.extendRefused,
    fenceRestart: sum(a.fenceRestart, b.fenceRestart),
    quorumDecision: sum(a.quorumDecision, b.quorumDecision),
  };
}
