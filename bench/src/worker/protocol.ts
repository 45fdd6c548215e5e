import type { LibraryId } from '../libraries/LockLibrary.js';
import type { FrameworkId } from '../middleware/frameworks.js';
import type { HeldPlan, HeldResult } from '../held/heldTypes.js';
import type { PipeliningPlan, PipeliningResult } from '../pipelining/pipeliningTypes.js';
import type { SoakPlan, SoakResult } from '../soak/soakTypes.js';

/**
 * Opens `clients` clients of one library in the worker (each its own connections, or all one instance when
 * `shared`): on the one Redis, or in quorum mode on the independent masters when several URLs are given.
 */
export interface OpenMessage {
  readonly type: 'open';
  readonly library: LibraryId;
  readonly redisUrls: readonly string[];
  readonly clients: number;
  readonly shared: boolean;
}

/**
 * Runs every client in a loop of acquire → hold → release on its key, from `startAt` until `endAt`
 * (epoch ms, see {@link epochNow}). Acquires still waiting at `endAt` finish, then release at once.
 */
export interface RunMessage {
  readonly type: 'run';
  /** One key per client. */
  readonly keys: readonly string[];
  readonly holdMs: number;
  readonly startAt: number;
  readonly endAt: number;
  /** How the clients take their keys; absent: the exclusive lock. */
  readonly mode?: RunMode;
}

/**
 * The acquire mode of a run: one of `limit` permits (a semaphore), or read shares for the fraction `sharedRatio`
 * of each client's acquires (a read-write lock; the rest exclusive). Absent fields: the exclusive lock.
 *
 * @example
 * ```ts
 * const readHeavy: RunMode = { sharedRatio: 0.9 } // 9 acquires in 10 shared
 * ```
 */
export interface RunMode {
  readonly limit?: number;
  readonly sharedRatio?: number;
}

/** Closes the open clients. */
export interface CloseMessage {
  readonly type: 'close';
}

/** Starts the middleware scenario's app of `framework` (see `itemServer.ts`), locking on `redisUrl`. */
export interface ServeMessage {
  readonly type: 'serve';
  readonly framework: FrameworkId;
  readonly redisUrl: string;
  /** Also serve the probes' route behind the locker alone (see `coreLockMiddleware.ts`). */
  readonly probe?: boolean;
}

/** Stops the app the last {@link ServeMessage} started. */
export interface UnserveMessage {
  readonly type: 'unserve';
}

/** Asks for the CPU time the worker process has used so far (the middleware scenario reads it around each run). */
export interface UsageMessage {
  readonly type: 'usage';
}

/** Runs the soak (in a worker forked with `--expose-gc`) and answers when it is done. */
export interface SoakMessage extends SoakPlan {
  readonly type: 'soak';
}

/** Runs the many-held-locks scenario (in a worker forked with `--expose-gc`) and answers when it is done. */
export interface HeldMessage extends HeldPlan {
  readonly type: 'held';
}

/** Runs the concurrent-acquires scenario (with and without auto-pipelining) and answers when it is done. */
export interface PipeliningMessage extends PipeliningPlan {
  readonly type: 'pipelining';
}

/** Messages from the benchmark to a worker process. */
export type ToWorker =
  | OpenMessage
  | RunMessage
  | CloseMessage
  | ServeMessage
  | UnserveMessage
  | UsageMessage
  | SoakMessage
  | HeldMessage
  | PipeliningMessage;

/** What one worker measured in one run. */
export interface WorkerResult {
  /** Time from calling acquire to holding, in ms, for every acquire started inside the window. */
  readonly waits: number[];
  /** Grants received inside the window. */
  readonly grantsInWindow: number;
  /** Grants received inside the window, per client of this worker. */
  readonly grantsPerClient: number[];
  /** Every grant of the run, including those of acquires still waiting when the window closed. */
  readonly grantsTotal: number;
  /** Σ hold time inside the window, in ms. */
  readonly heldMs: number;
  /** Acquires or releases that failed. */
  readonly errors: number;
  /** The first failure's message, if any. */
  readonly firstError?: string;
  /** Redis commands this worker's connections sent during the run. */
  readonly commandsSent: number;
  /** CPU time this worker process used during the run, user plus system, in ms (`process.cpuUsage()`). */
  readonly cpuMs: number;
}

/** Replies of a worker, one per message it received. */
export type FromWorker =
  | { readonly type: 'opened' }
  | { readonly type: 'finished'; readonly result: WorkerResult }
  | { readonly type: 'closed' }
  | { readonly type: 'serving'; readonly port: number }
  | { readonly type: 'unserved' }
  /** User plus system CPU time of the worker process since it started, in µs (`process.cpuUsage()`). */
  | { readonly type: 'usage'; readonly cpuMicros: number }
  | { readonly type: 'soaked'; readonly result: SoakResult }
  | { readonly type: 'held'; readonly result: HeldResult }
  | { readonly type: 'pipelined'; readonly result: PipeliningResult }
  | { readonly type: 'failed'; readonly message: string };

/** Wall-clock time in ms with sub-ms resolution, comparable across processes on one machine. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
